package dev.cairn.privacy;

/**
 * What a ledger has spent: (ε, δ)-differential privacy, and the Rényi order α at which the
 * conversion from RDP gave the smallest ε. {@code order} is NaN when nothing has run, where ε is 0.
 * ε is +∞ when no order bounds it (a noise multiplier so small that RDP overflows).
 */
public record PrivacySpent(double epsilon, double order, double delta) {
}
