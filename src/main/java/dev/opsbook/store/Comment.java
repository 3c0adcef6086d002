package dev.opsbook.store;

import java.time.Instant;
import java.util.Optional;

/**
 * A person's note on a run, or on one of its executions: kept beside the run, never in its events, so that commenting
 * never rewrites what happened.
 *
 * @param id the store's name for it, unique across runs
 * @param step the execution it is about (a step id, a for-each item {@code ID[i]}, a handler {@code handler/for-owner});
 *             empty: the run as a whole
 * @param text what was said, as typed (Markdown is escaped where it is shown); 1 to {@link #MAX_LENGTH} characters
 * @param author the authenticated identity that wrote it; only it may edit or delete the comment
 * @param editedAt when the text last changed; empty: never edited
 */
public record Comment(String id, String runId, Optional<String> step, String text, String author, Instant createdAt,
                      Optional<Instant> editedAt) {

    /** The longest comment kept, in characters. */
    public static final int MAX_LENGTH = 4000;

    public Comment {
        checkText(text);
    }

    /** Refuses a blank text, or one longer than {@link #MAX_LENGTH}, saying which. */
    public static void checkText(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("a comment needs some text");
        }
        if (text.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("a comment is at most " + MAX_LENGTH + " characters; this one has " + text.length());
        }
    }
}
