package dev.cairn.privacy;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Whose data a private computation uses, and so whose budget it charges: a dataset version
 * ({@code ds_…}) or an annotator's key ({@code key_…}). Reads as it is named in answers and
 * refusals: {@code dataset ds_…}, {@code annotator key_…}.
 */
public record BudgetHolder(Kind kind, String id) {

    public enum Kind {
        DATASET, ANNOTATOR;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The kind named {@code text} in a path or query; anything else is a 400 naming {@code param}. */
        static Kind parse(String text, String param) {
            for (Kind kind : values()) {
                if (kind.wire().equals(text)) {
                    return kind;
                }
            }
            throw PrivacyException.invalidValue(param, "'" + param + "' must be one of "
                    + Arrays.stream(values()).map(Kind::wire).collect(Collectors.joining(", ")) + ", got '" + text + "'");
        }
    }

    public static BudgetHolder dataset(String id) {
        return new BudgetHolder(Kind.DATASET, id);
    }

    public static BudgetHolder annotator(String keyId) {
        return new BudgetHolder(Kind.ANNOTATOR, keyId);
    }

    @Override
    public String toString() {
        return kind.wire() + " " + id;
    }
}
