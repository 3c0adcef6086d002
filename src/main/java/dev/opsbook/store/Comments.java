package dev.opsbook.store;

import dev.opsbook.audit.AuditFact;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Comments on runs and their steps, kept beside the runs (never in their events). Who may edit or delete one is decided
 * by the caller; this port only keeps them, each change with the entry the caller makes of it on the run's audit trail,
 * in one transaction: a change is kept with its entry or not at all. Thread-safe.
 */
public interface Comments {

    /**
     * Keeps a new comment on {@code runId} (and {@code step}, if given) and returns it with its id; {@code audit} makes the
     * run's audit entry of it.
     */
    Comment add(String runId, Optional<String> step, String text, String author, Instant at, Function<Comment, AuditFact> audit);

    /** Replaces a comment's text, noting when, with {@code audit}'s entry of the edited comment; empty when the run has no such comment. */
    Optional<Comment> edit(String runId, String commentId, String text, Instant at, Function<Comment, AuditFact> audit);

    /** Forgets a comment, with {@code audit}'s entry of the comment as it was; false when the run has no such comment. */
    boolean delete(String runId, String commentId, Function<Comment, AuditFact> audit);

    /** The run's comments, oldest first. */
    List<Comment> comments(String runId);
}
