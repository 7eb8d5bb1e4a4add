package dev.cairn.audit;

import java.nio.charset.StandardCharsets;
import java.security.DrbgParameters;
import java.security.GeneralSecurityException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * AES-256-GCM with a random 96-bit nonce, returned as {@code nonce ‖ ciphertext ‖ tag}. Public for
 * memory, which seals its content the same way under per-workspace keys.
 */
public final class Aead {

    public static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    /**
     * The nonces' source: the JDK's SHA-256 Hash_DRBG, seeded from the system. Linux's default
     * {@code SecureRandom} (NativePRNG) reads /dev/urandom and mixes it with a SHA1PRNG under one
     * process-wide lock on every call, which the audit profile showed on every request.
     */
    private static final SecureRandom RANDOM = drbg();
    private static final int POOLED = 64;
    /** Bounded: {@code offer} refuses a cipher once it holds {@link #POOLED}. */
    private static final ArrayBlockingQueue<Cipher> ENCRYPTERS = new ArrayBlockingQueue<>(POOLED);

    private Aead() {
    }

    public static byte[] seal(SecretKey key, byte[] plaintext, String associatedData) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        // Every audited request seals once: reuse ciphers rather than look one up each time (each
        // init below takes a fresh nonce, so reuse never repeats one).
        Cipher cipher = ENCRYPTERS.poll();
        try {
            if (cipher == null) {
                cipher = Cipher.getInstance("AES/GCM/NoPadding");
            }
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associatedData.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = Arrays.copyOf(nonce, NONCE_BYTES + cipher.getOutputSize(plaintext.length));
            cipher.doFinal(plaintext, 0, plaintext.length, sealed, NONCE_BYTES);
            ENCRYPTERS.offer(cipher);
            return sealed;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is part of every JDK", e);
        }
    }

    private static SecureRandom drbg() {
        try {
            // No prediction resistance: that would read the system's entropy on every call again.
            return SecureRandom.getInstance("DRBG", DrbgParameters.instantiation(256, DrbgParameters.Capability.RESEED_ONLY,
                    "cairn-audit-nonce".getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            return new SecureRandom(); // a platform without the DRBG: its default
        }
    }

    /** The plaintext, or an exception when the key, the data or its context is not the one sealed. */
    public static byte[] open(SecretKey key, byte[] sealed, String associatedData) throws AEADBadTagException {
        if (sealed.length < NONCE_BYTES + TAG_BITS / 8) {
            throw new AEADBadTagException("sealed data too short");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, 0, NONCE_BYTES));
            cipher.updateAAD(associatedData.getBytes(StandardCharsets.UTF_8));
            return cipher.doFinal(sealed, NONCE_BYTES, sealed.length - NONCE_BYTES);
        } catch (AEADBadTagException e) {
            throw e;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed to run", e);
        }
    }
}
