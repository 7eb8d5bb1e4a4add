package dev.cairn.rewards;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.SplittableRandom;

import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The randomness of one training step: which pairs it samples and, for DP-SGD, its noise. It is a
 * function of the run's source and the step's number alone, so a run resumed at any step continues
 * exactly. A run without privacy draws from its public seed, so that it can be repeated; a private
 * run draws from a 256-bit secret that never leaves the database (AES-256 in counter mode, the step
 * as the counter's start): DP-SGD's guarantee rests on nobody knowing the noise, and a published
 * seed would let anyone subtract it.
 */
interface StepRandom {

    /** Uniform in [0, 1). */
    double nextDouble();

    /** Standard normal. */
    double nextGaussian();

    /** A source of step randomness: from a seed, or from a secret. */
    interface Source {
        StepRandom at(int step);
    }

    static Source seeded(long seed) {
        return step -> {
            SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + step);
            return new StepRandom() {
                @Override
                public double nextDouble() {
                    return random.nextDouble();
                }

                @Override
                public double nextGaussian() {
                    return random.nextGaussian();
                }
            };
        };
    }

    static Source secret(byte[] key) {
        if (key.length != 32) {
            throw new IllegalArgumentException("a private run's secret is 32 bytes, not " + key.length);
        }
        return step -> new KeyStream(key, step);
    }

    /** Uniforms from AES-256-CTR's keystream, 53 bits each; Gaussians by the polar method. */
    final class KeyStream implements StepRandom {

        private static final int BLOCK = 4096;

        private final Cipher cipher;
        private final byte[] zeros = new byte[BLOCK];
        private ByteBuffer buffer = ByteBuffer.allocate(0);
        private double spare = Double.NaN;

        KeyStream(byte[] key, int step) {
            try {
                cipher = Cipher.getInstance("AES/CTR/NoPadding");
                // The counter block: the step in the high half, the block count in the low half, so
                // no two steps ever share keystream.
                byte[] iv = ByteBuffer.allocate(16).putLong(step).putLong(0).array();
                cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(iv));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("AES/CTR is part of every JDK", e);
            }
        }

        @Override
        public double nextDouble() {
            if (buffer.remaining() < Long.BYTES) {
                buffer = ByteBuffer.wrap(cipher.update(zeros));
            }
            return (buffer.getLong() >>> 11) * 0x1.0p-53;
        }

        @Override
        public double nextGaussian() {
            if (!Double.isNaN(spare)) {
                double value = spare;
                spare = Double.NaN;
                return value;
            }
            double u;
            double v;
            double s;
            do {
                u = 2 * nextDouble() - 1;
                v = 2 * nextDouble() - 1;
                s = u * u + v * v;
            } while (s >= 1 || s == 0);
            double scale = Math.sqrt(-2 * Math.log(s) / s);
            spare = v * scale;
            return u * scale;
        }
    }
}
