package dev.opsbook.store;

import java.util.Map;
import java.util.TreeMap;

/**
 * Durations (whole milliseconds) counted by the database in buckets about 1% wide ({@link #BUCKET}), each with its
 * count, smallest, largest and sum, and a percentile interpolated from them the way PERCENTILE_CONT interpolates
 * between neighbouring values.
 *
 * <p>//why: PERCENTILE_CONT sorts every value in the range (200,000 person-times over 90 days, once overall and once
 * per step), seconds on H2; a GROUP BY over the bucket reads the covering index once and returns a few hundred rows.
 * Exactness: a percentile is exact where its bucket holds at most two distinct values (so for every small store), and
 * otherwise off by less than the bucket's width, 1% of the value, when the values inside a bucket are evenly spread.
 */
final class Histogram {

    /** The bucket of a column's value: 0 below 1 ms, else 1 + floor(100 ln(ms)), so each spans a factor of e^0.01. */
    static String bucket(String column) {
        return "CASE WHEN " + column + " < 1 THEN 0 ELSE 1 + CAST(FLOOR(LN(" + column + ") * 100) AS BIGINT) END";
    }

    private record Bucket(long count, long min, long max) {
    }

    private final TreeMap<Long, Bucket> buckets = new TreeMap<>();
    private long count;
    private long sum;

    void add(long bucket, long count, long min, long max, long sum) {
        buckets.merge(bucket, new Bucket(count, min, max), (a, b) -> new Bucket(a.count + b.count, Math.min(a.min, b.min), Math.max(a.max, b.max)));
        this.count += count;
        this.sum += sum;
    }

    void addAll(Histogram other) {
        other.buckets.forEach((bucket, b) -> add(bucket, b.count, b.min, b.max, 0));
        sum += other.sum;
    }

    /** count, sum, then bucket, count, min, max for each bucket: what {@link #of(long[])} reads back. */
    long[] toArray() {
        long[] values = new long[2 + 4 * buckets.size()];
        values[0] = count;
        values[1] = sum;
        int i = 2;
        for (Map.Entry<Long, Bucket> entry : buckets.entrySet()) {
            values[i++] = entry.getKey();
            values[i++] = entry.getValue().count;
            values[i++] = entry.getValue().min;
            values[i++] = entry.getValue().max;
        }
        return values;
    }

    static Histogram of(long[] values) {
        Histogram histogram = new Histogram();
        for (int i = 2; i + 3 < values.length; i += 4) {
            histogram.add(values[i], values[i + 1], values[i + 2], values[i + 3], 0);
        }
        histogram.sum = values.length > 1 ? values[1] : 0;
        return histogram;
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
        Bucket previous = null;
        for (Map.Entry<Long, Bucket> entry : buckets.entrySet()) {
            Bucket b = entry.getValue();
            if (previous != null && rank < before) { // between the previous bucket's largest and this one's smallest
                double fraction = rank - (before - 1);
                return previous.max + fraction * (b.min - previous.max);
            }
            if (rank <= before + b.count - 1) {
                return b.count == 1 ? b.min : b.min + (rank - before) / (b.count - 1) * (b.max - b.min);
            }
            before += b.count;
            previous = b;
        }
        return previous.max;
    }
}
