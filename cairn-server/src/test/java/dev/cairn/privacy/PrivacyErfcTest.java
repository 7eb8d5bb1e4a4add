package dev.cairn.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** erfc and log erfc against values computed to 30 digits (mpmath), across Cody's three intervals and past underflow. */
class PrivacyErfcTest {

    @ParameterizedTest
    @CsvSource({
            "-5, 1.9999999999984625402, 0.69314718055917657952",
            "-1, 1.8427007929497148693, 0.61123231767807049464",
            "-0.3, 1.3286267594591274162, 0.28414589714140825002",
            "0, 1.0, 0.0",
            "0.1, 0.8875370839817151016, -0.11930497373739560532",
            "0.46875, 0.50738652678206200841, -0.67848218561439609899",
            "0.5, 0.47950012218695346232, -0.73501112983708440303",
            "1, 0.15729920705028513066, -1.8496055099332482486",
            "2, 0.0046777349810472658379, -5.3649412646166375745",
            "4, 1.5417257900280018852e-8, -17.987778312103006503",
            "5, 1.5374597944280348502e-12, -27.200889545537434422",
            "10, 2.088487583762544757e-45, -102.87988902484488857",
            "26, 5.6631924088561428465e-296, -679.83119976319423026",
    })
    void matchesHighPrecisionValues(double x, double erfc, double logErfc) {
        assertThat(Erfc.erfc(x)).isCloseTo(erfc, within(Math.abs(erfc) * 1e-14));
        assertThat(Erfc.logErfc(x)).isCloseTo(logErfc, within(Math.max(1e-15, Math.abs(logErfc) * 1e-14)));
    }

    /** Where erfc itself is 0 in doubles, its logarithm is still right. */
    @ParameterizedTest
    @CsvSource({"30, -903.97411711064387808", "100, -10005.177585122664333", "10000, -100000009.7827053199"})
    void logStaysFinitePastUnderflow(double x, double logErfc) {
        assertThat(Erfc.erfc(x)).isZero();
        assertThat(Erfc.logErfc(x)).isCloseTo(logErfc, within(Math.abs(logErfc) * 1e-14));
    }
}
