package dev.cairn.privacy;

/**
 * An (ε, δ) budget: the most ε a holder's composed ledger may reach, read at δ. ε 0 admits no
 * private computation at all; δ is where the holder's spending is measured, whatever δ a run was
 * planned at.
 */
public record Budget(double epsilon, double delta) {

    /** The checks of a budget from configuration or the admin API; {@code path} prefixes the field names. */
    static Budget checked(double epsilon, double delta, String path) {
        if (!(epsilon >= 0) || Double.isInfinite(epsilon)) {
            throw PrivacyException.invalidValue(path + "epsilon", "'" + path + "epsilon' must be a finite number from 0, got " + epsilon);
        }
        if (!(delta > 0 && delta < 1)) {
            throw PrivacyException.invalidValue(path + "delta", "'" + path + "delta' must be a number in (0, 1), got " + delta);
        }
        return new Budget(epsilon, delta);
    }
}
