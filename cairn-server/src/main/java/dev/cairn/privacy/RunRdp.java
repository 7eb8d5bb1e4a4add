package dev.cairn.privacy;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Each run's RDP computed once for a batch of ledgers: a charge adds the same run to every holder,
 * and a dataset's annotators share most of their runs. The arrays are GaussianRun's own, so ε comes
 * out bit for bit as {@link PrivacyLedger#spent(double)} gives it.
 */
final class RunRdp implements Function<GaussianRun, double[]> {

    private final Map<GaussianRun, double[]> computed = new HashMap<>();

    @Override
    public double[] apply(GaussianRun run) {
        return computed.computeIfAbsent(run, GaussianRun::rdp);
    }
}
