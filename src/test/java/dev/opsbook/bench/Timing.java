package dev.opsbook.bench;

import java.util.Arrays;
import java.util.Locale;

/** Small helpers shared by the benchmarks: medians and figures printed the same way. */
final class Timing {

    private Timing() {
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    static String fmt(double value) {
        if (Math.abs(value) >= 100) {
            return String.format(Locale.ROOT, "%,.0f", value);
        }
        if (Math.abs(value) >= 10) {
            return String.format(Locale.ROOT, "%.1f", value);
        }
        return String.format(Locale.ROOT, "%.2f", value);
    }

    static String ratio(double value) {
        return String.format(Locale.ROOT, "%.2f×", value);
    }
}
