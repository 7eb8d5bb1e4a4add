package dev.cairn.cli;

/** Turns a failure into the one line a command-line user needs: the innermost cause's message. */
final class CliErrors {

    private CliErrors() {
    }

    static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.toString() : root.getMessage();
    }
}
