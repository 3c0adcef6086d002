package dev.opsbook.record;

/** Small helpers for writing Markdown that renders the same on GitHub whatever the text holds. */
final class Markdown {

    private Markdown() {
    }

    /** An inline code span that survives backticks in the text. */
    static String code(String text) {
        String oneLine = text.replace("\r", "").replace("\n", " ⏎ ");
        int longest = longestRun(oneLine, '`');
        String fence = "`".repeat(longest + 1);
        String pad = oneLine.startsWith("`") || oneLine.endsWith("`") ? " " : "";
        return fence + pad + oneLine + pad + fence;
    }

    /** A fenced block that cannot be closed early by the text inside it. */
    static String fenced(String info, String text, String indent) {
        String fence = "`".repeat(Math.max(3, longestRun(text, '`') + 1));
        StringBuilder out = new StringBuilder();
        out.append(indent).append(fence).append(info).append('\n');
        String body = text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
        for (String line : body.split("\n", -1)) {
            out.append(line.isEmpty() ? "" : indent).append(line).append('\n');
        }
        out.append(indent).append(fence).append('\n');
        return out.toString();
    }

    /** Text for a table cell: one line, pipes escaped. */
    static String cell(String text) {
        return text.replace("\r", "").replace("\n", " ").replace("|", "\\|");
    }

    /** Text for running prose: characters Markdown would act on are escaped. */
    static String inline(String text) {
        return text.replace("\r", "").replace("\n", " ").replaceAll("([\\\\`*_\\[\\]<>|])", "\\\\$1");
    }

    static int longestRun(String text, char c) {
        int longest = 0;
        int run = 0;
        for (int i = 0; i < text.length(); i++) {
            run = text.charAt(i) == c ? run + 1 : 0;
            longest = Math.max(longest, run);
        }
        return longest;
    }

    static int lineCount(String text) {
        if (text.isEmpty()) {
            return 0;
        }
        return (int) text.lines().count();
    }
}
