package dev.opsbook.store;

import java.util.Arrays;

/**
 * Durations (whole milliseconds) counted in buckets about 1% wide ({@link #bucket}), each with its count, smallest and
 * largest, and a percentile interpolated from them the way PERCENTILE_CONT interpolates between neighbouring values.
 *
 * <p>//why: PERCENTILE_CONT sorts every value in the range (200,000 person-times over 90 days, once overall and once
 * per step), seconds on H2; a GROUP BY over the bucket reads the covering index once and returns a few hundred rows.
 * Exactness: a percentile is exact where its bucket holds at most two distinct values (so for every small store), and
 * otherwise off by less than the bucket's width, 1% of the value, when the values inside a bucket are evenly spread.
 * The buckets are dense arrays from the lowest to the highest one used (a few hundred for durations from seconds to
 * hours), so adding up the histograms of many days is array arithmetic.
 */
final class Histogram {

    /** The bucket of a column's value: 0 below 1 ms, else 1 + floor(100 ln(ms)), so each spans a factor of e^0.01. */
    static String bucket(String column) {
        return "CASE WHEN " + column + " < 1 THEN 0 ELSE 1 + CAST(FLOOR(LN(" + column + ") * 100) AS BIGINT) END";
    }

    private int low;
    private long[] counts = new long[0];
    private long[] mins = new long[0];
    private long[] maxes = new long[0];
    private long count;
    private long sum;

    void add(long bucket, long count, long min, long max, long sum) {
        if (count <= 0) {
            this.sum += sum;
            return;
        }
        int i = slot((int) bucket);
        if (counts[i] == 0) {
            mins[i] = min;
            maxes[i] = max;
        } else {
            mins[i] = Math.min(mins[i], min);
            maxes[i] = Math.max(maxes[i], max);
        }
        counts[i] += count;
        this.count += count;
        this.sum += sum;
    }

    void addAll(Histogram other) {
        for (int i = 0; i < other.counts.length; i++) {
            if (other.counts[i] > 0) {
                add(other.low + i, other.counts[i], other.mins[i], other.maxes[i], 0);
            }
        }
        sum += other.sum;
    }

    /** The index of {@code bucket} in the arrays, which grow to hold it. */
    private int slot(int bucket) {
        if (counts.length == 0) {
            low = bucket;
            grow(bucket, 1);
        } else if (bucket < low) {
            grow(bucket, low - bucket + counts.length);
        } else if (bucket >= low + counts.length) {
            grow(low, bucket - low + 1);
        }
        return bucket - low;
    }

    private void grow(int newLow, int length) {
        int shift = low - newLow;
        long[] c = new long[length];
        long[] mn = new long[length];
        long[] mx = new long[length];
        System.arraycopy(counts, 0, c, shift, counts.length);
        System.arraycopy(mins, 0, mn, shift, mins.length);
        System.arraycopy(maxes, 0, mx, shift, maxes.length);
        counts = c;
        mins = mn;
        maxes = mx;
        low = newLow;
    }

    /** count, sum, then bucket, count, min, max for each bucket used: what {@link #addArray} reads back. */
    long[] toArray() {
        long[] values = new long[2 + 4 * (int) Arrays.stream(counts).filter(c -> c > 0).count()];
        values[0] = count;
        values[1] = sum;
        int j = 2;
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] > 0) {
                values[j++] = low + i;
                values[j++] = counts[i];
                values[j++] = mins[i];
                values[j++] = maxes[i];
            }
        }
        return values;
    }

    /** Adds a histogram written by {@link #toArray}. */
    void addArray(long[] values) {
        for (int i = 2; i + 3 < values.length; i += 4) {
            add(values[i], values[i + 1], values[i + 2], values[i + 3], 0);
        }
        sum += values.length > 1 ? values[1] : 0;
    }

    long count() {
        return count;
    }

    long sum() {
        return sum;
    }

    /** The p-th percentile (0..1) as PERCENTILE_CONT gives it: rank p(n-1), interpolated; NaN when empty. */
    double percentile(double p) {
        if (count == 0) {
            return Double.NaN;
        }
        double rank = p * (count - 1);
        long before = 0;
        int previous = -1;
        for (int i = 0; i < counts.length; i++) {
            long n = counts[i];
            if (n == 0) {
                continue;
            }
            if (previous >= 0 && rank < before) { // between the previous bucket's largest and this one's smallest
                double fraction = rank - (before - 1);
                return maxes[previous] + fraction * (mins[i] - maxes[previous]);
            }
            if (rank <= before + n - 1) {
                return n == 1 ? mins[i] : mins[i] + (rank - before) / (n - 1) * (maxes[i] - mins[i]);
            }
            before += n;
            previous = i;
        }
        return maxes[previous];
    }
}
