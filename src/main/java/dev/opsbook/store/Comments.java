package dev.opsbook.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Comments on runs and their steps, kept beside the runs (never in their events). Who may edit or delete one is decided
 * by the caller; this port only keeps them. Thread-safe.
 */
public interface Comments {

    /** Keeps a new comment on {@code runId} (and {@code step}, if given) and returns it with its id. */
    Comment add(String runId, Optional<String> step, String text, String author, Instant at);

    /** Replaces a comment's text, noting when; empty when the run has no such comment. */
    Optional<Comment> edit(String runId, String commentId, String text, Instant at);

    /** Forgets a comment; false when the run has no such comment. */
    boolean delete(String runId, String commentId);

    /** The run's comments, oldest first. */
    List<Comment> comments(String runId);
}
