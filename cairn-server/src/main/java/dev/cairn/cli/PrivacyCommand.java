package dev.cairn.cli;

import java.util.concurrent.Callable;

import dev.cairn.privacy.GaussianRun;
import dev.cairn.privacy.NoiseCalibration;
import dev.cairn.privacy.PrivacyLedger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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

    /** What both commands describe a run by, besides its noise or its ε. */
    static class Run {
        @Option(names = "--sample-rate", required = true, paramLabel = "Q", description = "Sampling rate q, in (0, 1].")
        double sampleRate;
        @Option(names = "--steps", required = true, paramLabel = "N", description = "Number of steps.")
        long steps;
        @Option(names = "--delta", required = true, paramLabel = "D", description = "δ, in (0, 1).")
        double delta;
        @Spec(Spec.Target.MIXEE)
        CommandSpec spec;

        void print(double value) {
            spec.commandLine().getOut().println(value);
        }
    }

    @Command(name = "epsilon", mixinStandardHelpOptions = true,
            description = "Print the ε spent by a run at the given δ (Rényi DP at Opacus' orders).")
    static class Epsilon implements Callable<Integer> {
        @Option(names = "--sigma", required = true, paramLabel = "S", description = "Noise multiplier σ, > 0.")
        double sigma;
        @Mixin
        Run run;

        @Override
        public Integer call() {
            run.print(PrivacyLedger.of(new GaussianRun(sigma, run.sampleRate, run.steps)).spent(run.delta).epsilon());
            return 0;
        }
    }

    @Command(name = "noise", mixinStandardHelpOptions = true,
            description = "Print the smallest noise multiplier σ whose run spends at most ε at δ.")
    static class Noise implements Callable<Integer> {
        @Option(names = "--epsilon", required = true, paramLabel = "E", description = "Target ε, > 0.")
        double epsilon;
        @Mixin
        Run run;

        @Override
        public Integer call() {
            run.print(NoiseCalibration.smallestNoiseMultiplier(run.sampleRate, run.steps, run.delta, epsilon));
            return 0;
        }
    }
}
