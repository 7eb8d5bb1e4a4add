package dev.cairn.cli;

import java.util.concurrent.Callable;

import dev.cairn.privacy.GaussianRun;
import dev.cairn.privacy.NoiseCalibration;
import dev.cairn.privacy.PrivacyLedger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cairn privacy}: the RDP accountant from the command line. Pure arithmetic: it reads no
 * configuration and opens no database, so it starts as fast as the JVM does.
 */
@Command(name = "privacy", mixinStandardHelpOptions = true,
        description = "Differential privacy accounting for DP-SGD (the Poisson-subsampled Gaussian mechanism).",
        subcommands = {PrivacyCommand.Epsilon.class, PrivacyCommand.Noise.class})
class PrivacyCommand {

    @Command(name = "epsilon", mixinStandardHelpOptions = true,
            description = "Print the ε spent by a run at the given δ (Rényi DP at Opacus' orders).")
    static class Epsilon implements Callable<Integer> {
        @Option(names = "--sigma", required = true, paramLabel = "S", description = "Noise multiplier σ, > 0.")
        double sigma;
        @Option(names = "--sample-rate", required = true, paramLabel = "Q", description = "Sampling rate q, in (0, 1].")
        double sampleRate;
        @Option(names = "--steps", required = true, paramLabel = "N", description = "Number of steps, ≥ 0.")
        long steps;
        @Option(names = "--delta", required = true, paramLabel = "D", description = "δ, in (0, 1).")
        double delta;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            double epsilon = PrivacyLedger.of(new GaussianRun(sigma, sampleRate, steps)).spent(delta).epsilon();
            spec.commandLine().getOut().println(epsilon);
            return 0;
        }
    }

    @Command(name = "noise", mixinStandardHelpOptions = true,
            description = "Print the smallest noise multiplier σ whose run spends at most ε at δ.")
    static class Noise implements Callable<Integer> {
        @Option(names = "--epsilon", required = true, paramLabel = "E", description = "Target ε, > 0.")
        double epsilon;
        @Option(names = "--sample-rate", required = true, paramLabel = "Q", description = "Sampling rate q, in (0, 1].")
        double sampleRate;
        @Option(names = "--steps", required = true, paramLabel = "N", description = "Number of steps, ≥ 1.")
        long steps;
        @Option(names = "--delta", required = true, paramLabel = "D", description = "δ, in (0, 1).")
        double delta;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            spec.commandLine().getOut().println(NoiseCalibration.smallestNoiseMultiplier(sampleRate, steps, delta, epsilon));
            return 0;
        }
    }
}
