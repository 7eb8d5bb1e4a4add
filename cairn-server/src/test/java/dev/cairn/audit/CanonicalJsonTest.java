package dev.cairn.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import dev.cairn.platform.JsonBodies;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** RFC 8785 canonical JSON against the RFC's own examples. */
class CanonicalJsonTest {

    @Test
    void reproducesTheRfcExample() {
        String input = """
                {"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
                 "string": "\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\"\\/",
                 "literals": [null, true, false]}""";

        String canonical = new String(CanonicalJson.bytes(JsonBodies.JSON.readTree(input)), StandardCharsets.UTF_8);

        assertThat(canonical).isEqualTo(
                "{\"literals\":[null,true,false],\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],"
                        + "\"string\":\"\u20ac$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}");
    }

    @Test
    void sortsMembersByUtf16CodeUnits() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        for (String key : new String[] {"\u20ac", "\r", "\ufb33", "1", "\ud83d\ude00", "\u0080", "\u00f6"}) {
            node.put(key, 1);
        }
        String canonical = new String(CanonicalJson.bytes(node), StandardCharsets.UTF_8);
        assertThat(canonical).isEqualTo("{\"\\r\":1,\"1\":1,\"\u0080\":1,\"\u00f6\":1,\"\u20ac\":1,\"\ud83d\ude00\":1,\"\ufb33\":1}");
    }

    @Test
    void printsNumbersAsEcmaScriptDoes() {
        String[][] cases = {
                {"0000000000000000", "0"}, {"8000000000000000", "0"},
                {"0000000000000001", "5e-324"}, {"8000000000000001", "-5e-324"},
                {"7fefffffffffffff", "1.7976931348623157e+308"}, {"ffefffffffffffff", "-1.7976931348623157e+308"},
                {"4340000000000000", "9007199254740992"}, {"c340000000000000", "-9007199254740992"},
                {"4430000000000000", "295147905179352830000"}, {"44b52d02c7e14af5", "9.999999999999997e+22"},
                {"44b52d02c7e14af6", "1e+23"}, {"44b52d02c7e14af7", "1.0000000000000001e+23"},
                {"444b1ae4d6e2ef4e", "999999999999999700000"}, {"444b1ae4d6e2ef4f", "999999999999999900000"},
                {"444b1ae4d6e2ef50", "1e+21"}, {"3eb0c6f7a0b5ed8c", "9.999999999999997e-7"},
                {"3eb0c6f7a0b5ed8d", "0.000001"}, {"41b3de4355555553", "333333333.3333332"},
                {"41b3de4355555554", "333333333.33333325"}, {"41b3de4355555555", "333333333.3333333"},
                {"41b3de4355555556", "333333333.3333334"}, {"41b3de4355555557", "333333333.33333343"},
                {"becbf647612f3696", "-0.0000033333333333333333"}, {"43143ff3c1cb0959", "1424953923781206.2"}};
        for (String[] c : cases) {
            double value = Double.longBitsToDouble(Long.parseUnsignedLong(c[0], 16));
            assertThat(CanonicalJson.number(value)).as(c[0]).isEqualTo(c[1]);
        }
    }

    @Test
    void printsIntegersOfEveryWidthAlike() {
        // int and long nodes take a shorter path than BigInteger ones; all must print as ECMAScript does.
        ObjectNode node = JsonNodeFactory.instance.objectNode()
                .put("a", 64).put("b", Integer.MIN_VALUE).put("c", 9007199254740992L).put("d", -9007199254740993L)
                .put("e", Long.MAX_VALUE).put("f", new java.math.BigInteger("9007199254740993"))
                .put("g", new java.math.BigInteger("-123456789012345678901234567890")).put("h", 0L);
        assertThat(new String(CanonicalJson.bytes(node), StandardCharsets.UTF_8)).isEqualTo("{\"a\":64,\"b\":-2147483648,"
                + "\"c\":9007199254740992,\"d\":-9007199254740992,\"e\":9223372036854776000,\"f\":9007199254740992,"
                + "\"g\":-1.2345678901234568e+29,\"h\":0}");
    }

    @Test
    void refusesWhatJsonCannotSay() {
        assertThatThrownBy(() -> CanonicalJson.number(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        ObjectNode lone = JsonNodeFactory.instance.objectNode().put("s", "\ud800");
        assertThatThrownBy(() -> CanonicalJson.bytes(lone)).isInstanceOf(IllegalArgumentException.class);
    }
}
