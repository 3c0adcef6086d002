package dev.opsbook.runbook;

import java.util.Arrays;

/** Turns character offsets into line:column positions. */
final class LineIndex {
    private final int[] lineStarts;

    LineIndex(String text) {
        int[] starts = new int[16];
        int count = 1;
        // //why: String.indexOf scans with a vectorised intrinsic; a charAt loop over the whole text was 4% of a small runbook's load
        for (int newline = text.indexOf('\n'); newline >= 0; newline = text.indexOf('\n', newline + 1)) {
            if (count == starts.length) {
                starts = Arrays.copyOf(starts, count * 2);
            }
            starts[count++] = newline + 1;
        }
        lineStarts = Arrays.copyOf(starts, count);
    }

    Position position(int offset) {
        int index = Arrays.binarySearch(lineStarts, offset);
        int line = index >= 0 ? index : -index - 2;
        return new Position(line + 1, offset - lineStarts[line] + 1);
    }

    int lineEnd(String text, int offset) {
        int newline = text.indexOf('\n', offset);
        return newline < 0 ? text.length() : newline + 1;
    }
}
