package dev.cairn.memory;

import java.util.regex.Pattern;

import dev.cairn.platform.RequestException;

/**
 * Thread ids callers choose (in {@code POST /v1/memory/threads} or by naming a new thread in a
 * chat completion): letters, digits and {@code _ - . :}, 1 to 128 of them, so they are safe in
 * URLs, headers and cache keys.
 */
final class ThreadIds {

    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");

    private ThreadIds() {
    }

    static String check(String id, String param) {
        if (!VALID.matcher(id).matches()) {
            throw RequestException.invalid("invalid_thread_id", param,
                    "A thread id is 1 to 128 letters, digits, '_', '-', '.' or ':'");
        }
        return id;
    }
}
