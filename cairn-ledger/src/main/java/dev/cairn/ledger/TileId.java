package dev.cairn.ledger;

/**
 * The name of a C2SP tlog-tiles resource: a hash tile {@code tile/<L>/<N>[.p/<W>]} or an entry
 * bundle {@code tile/entries/<N>[.p/<W>]}. A tile holds {@link #WIDTH} hashes of tree level
 * {@code 8·L}; a partial one holds the first W of them.
 *
 * @param level the tile level, or {@link #ENTRIES} for an entry bundle
 * @param index the tile index N
 * @param width how many hashes or entries it holds, 1 to 256
 */
public record TileId(int level, long index, int width) {

    /** Hashes or entries in a full tile. */
    public static final int WIDTH = 256;
    /** Tree levels covered by one tile level. */
    public static final int HEIGHT = 8;
    /** The {@link #level} of an entry bundle. */
    public static final int ENTRIES = -1;

    public TileId {
        if (level < ENTRIES || level > 63 / HEIGHT) {
            throw new IllegalArgumentException("tile level out of range: " + level);
        }
        if (index < 0) {
            throw new IllegalArgumentException("negative tile index " + index);
        }
        if (width < 1 || width > WIDTH) {
            throw new IllegalArgumentException("tile width must be 1 to 256, got " + width);
        }
    }

    public static TileId hashes(int level, long index, int width) {
        if (level < 0) {
            throw new IllegalArgumentException("negative tile level " + level);
        }
        return new TileId(level, index, width);
    }

    public static TileId entries(long index, int width) {
        return new TileId(ENTRIES, index, width);
    }

    public boolean isEntries() {
        return level == ENTRIES;
    }

    public boolean isPartial() {
        return width < WIDTH;
    }

    /** The resource's path below the log's prefix, e.g. {@code tile/0/x001/234.p/7}. */
    public String path() {
        StringBuilder path = new StringBuilder("tile/");
        path.append(isEntries() ? "entries" : Integer.toString(level)).append('/');
        appendIndex(path, index);
        if (isPartial()) {
            path.append(".p/").append(width);
        }
        return path.toString();
    }

    @Override
    public String toString() {
        return path();
    }

    /** Parses a path as {@link #path()} writes it; only the canonical spelling is accepted. */
    public static TileId parse(String path) {
        String rest = stripPrefix(path, "tile/");
        int slash = rest.indexOf('/');
        if (slash < 1) {
            throw invalid(path);
        }
        String levelPart = rest.substring(0, slash);
        int level = levelPart.equals("entries") ? ENTRIES : parseSmallNumber(levelPart, path);
        rest = rest.substring(slash + 1);

        int width = WIDTH;
        int partial = rest.indexOf(".p/");
        if (partial >= 0) {
            width = parseSmallNumber(rest.substring(partial + 3), path);
            if (width < 1 || width >= WIDTH) {
                throw invalid(path);
            }
            rest = rest.substring(0, partial);
        }
        long index = parseIndex(rest, path);
        try {
            return new TileId(level, index, width);
        } catch (IllegalArgumentException e) {
            throw invalid(path);
        }
    }

    private static void appendIndex(StringBuilder path, long n) {
        String digits = Long.toString(n);
        int groups = (digits.length() + 2) / 3;
        String padded = "0".repeat(groups * 3 - digits.length()) + digits;
        for (int g = 0; g < groups; g++) {
            if (g > 0) {
                path.append('/');
            }
            if (g < groups - 1) {
                path.append('x');
            }
            path.append(padded, g * 3, g * 3 + 3);
        }
    }

    private static long parseIndex(String text, String path) {
        String[] groups = text.split("/", -1);
        long n = 0;
        for (int g = 0; g < groups.length; g++) {
            String group = groups[g];
            boolean last = g == groups.length - 1;
            if (!last) {
                if (!group.startsWith("x")) {
                    throw invalid(path);
                }
                group = group.substring(1);
            }
            if (group.length() != 3 || !group.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw invalid(path);
            }
            if (g == 0 && groups.length > 1 && group.equals("000")) {
                throw invalid(path); // leading zero groups would give one tile two names
            }
            try {
                n = Math.addExact(Math.multiplyExact(n, 1000), Integer.parseInt(group));
            } catch (ArithmeticException e) {
                throw invalid(path);
            }
        }
        return n;
    }

    private static int parseSmallNumber(String text, String path) {
        if (text.isEmpty() || text.length() > 3 || !text.chars().allMatch(c -> c >= '0' && c <= '9')
                || (text.length() > 1 && text.charAt(0) == '0')) {
            throw invalid(path);
        }
        return Integer.parseInt(text);
    }

    private static String stripPrefix(String path, String prefix) {
        if (path == null || !path.startsWith(prefix)) {
            throw invalid(path);
        }
        return path.substring(prefix.length());
    }

    private static IllegalArgumentException invalid(String path) {
        return new IllegalArgumentException("not a tlog-tiles path: " + path);
    }
}
