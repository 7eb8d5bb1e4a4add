package dev.cairn.platform;

import java.util.regex.Pattern;

/**
 * Ids callers choose for workspaces and threads: letters, digits and {@code _ - . :}, 1 to 128 of
 * them, so they are safe in URLs, headers, metric labels and cache keys, and cannot hide a NUL or
 * a look-alike character.
 */
public final class PlainIds {

    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");

    private PlainIds() {
    }

    public static String thread(String id, String param) {
        return check(id, param, "invalid_thread_id", "A thread id");
    }

    public static String workspace(String id, String param) {
        return check(id, param, "invalid_workspace", "A workspace id");
    }

    private static String check(String id, String param, String code, String what) {
        if (id == null || !VALID.matcher(id).matches()) {
            throw RequestException.invalid(code, param, what + " is 1 to 128 letters, digits, '_', '-', '.' or ':'");
        }
        return id;
    }
}
