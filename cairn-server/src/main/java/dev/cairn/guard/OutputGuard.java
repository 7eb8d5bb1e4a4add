package dev.cairn.guard;

import java.util.Locale;

import dev.cairn.platform.RequestException;
import org.springframework.stereotype.Component;

/**
 * The guard's step for answers: decides per request whether the answer is screened at all, plants
 * the canary when the workspace's {@code canary} rule asks for one, and opens the request's
 * {@link OutputScreen}. Whether the caller gets its own redacted values back in the answer is
 * {@code cairn.guard.restore}, overridden per request by {@value #RESTORE_HEADER}.
 */
@Component
public class OutputGuard {

    public static final String RESTORE_HEADER = "Cairn-Guard-Restore";

    private final Guard guard;
    private final boolean restoreByDefault;

    public OutputGuard(Guard guard, GuardProperties config) {
        this.guard = guard;
        this.restoreByDefault = config.restore();
    }

    /**
     * The request's answer guard, or null when the workspace's policy leaves answers alone and
     * nothing is to be restored. Its {@link OutputScreen#canary()}, when the workspace wants one, is
     * for the prompt the provider gets.
     *
     * @param restore whether the caller gets its own redacted values back ({@link #restoreAsked})
     */
    public OutputScreen open(String workspace, InputScreening input, boolean restore) {
        Canary canary = null;
        if (guard.rule(workspace, Canary.SCANNER).action() != Action.ALLOW) {
            canary = Canary.random();
        }
        Restorer restorer = input.redactor() != null && restore ? input.redactor().restorer() : Restorer.NONE;
        if (canary == null && restorer.isEmpty() && !guard.screensOutput(workspace)) {
            return null;
        }
        Redactor redactor = input.redactor() != null ? input.redactor() : new Redactor();
        return new OutputScreen(guard, workspace, redactor, canary, restorer);
    }

    /** The {@value #RESTORE_HEADER} header read (null: {@code cairn.guard.restore}); a value other than true or false is a 400. */
    public boolean restoreAsked(String header) {
        if (header == null) {
            return restoreByDefault;
        }
        return switch (header.trim().toLowerCase(Locale.ROOT)) {
            case "true", "on", "1" -> true;
            case "false", "off", "0" -> false;
            default -> throw RequestException.invalid("invalid_value", RESTORE_HEADER, RESTORE_HEADER + " must be true or false");
        };
    }
}
