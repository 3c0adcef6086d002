package dev.opsbook.record;

import java.io.IOException;

/**
 * Where a run's record and audit trail are written ({@code --record-dir}): a folder ({@link RecordFolder}) or an S3 bucket
 * ({@code service.S3Records}). Texts go under relative names, {@code RUNBOOK-ID/RUN-ID.md} and
 * {@code RUNBOOK-ID/RUN-ID.audit.jsonl}; each write replaces the whole text, so a reader sees the old text or the new, never
 * a part. Nothing reads them back: they are exports of the store. Thread-safe.
 */
public interface RecordPlace extends AutoCloseable {

    /** {@code RUNBOOK-ID/RUN-ID.md}. */
    static String recordName(String runbookId, String runId) {
        return runbookId + "/" + runId + ".md";
    }

    /** {@code RUNBOOK-ID/RUN-ID.audit.jsonl}. */
    static String trailName(String runbookId, String runId) {
        return runbookId + "/" + runId + ".audit.jsonl";
    }

    /**
     * Writes {@code text} whole under {@code name}, replacing what was there.
     *
     * @return where it went, as a person finds it: a file's path or an {@code s3://} address
     */
    String write(String name, String text) throws IOException;

    /** The place as given: {@code DIR} or {@code s3://BUCKET/PREFIX}. */
    String describe();

    @Override
    default void close() {
    }
}
