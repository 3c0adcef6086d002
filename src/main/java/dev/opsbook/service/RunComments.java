package dev.opsbook.service;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsbook.audit.AuditFact;
import dev.opsbook.engine.RunEvent;
import dev.opsbook.engine.RunState;
import dev.opsbook.graph.RunbookLoader;
import dev.opsbook.store.Comment;
import dev.opsbook.store.RunStore;
import dev.opsbook.store.StoredRun;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * People's comments on a run and its steps (the API, the run page, {@code opsbook comment}): kept beside the run in the
 * store, never among its events, so commenting never rewrites what happened. Operators add them; only a
 * comment's author (the same token identity) edits or deletes it: there is no admin role to override that. Each change is
 * an entry of the run's audit trail (who, which comment, which step, how long; never the text, so a secret pasted by
 * mistake goes away with the comment), kept in the change's own transaction, and writes the run's record again. Thread-safe.
 */
public final class RunComments {

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    /** A comment as the API, the pages and the CLI show it. */
    public record View(String id, String runId, Optional<String> step, String text, String author, Instant createdAt,
                       Optional<Instant> editedAt) {

        static View of(Comment c) {
            return new View(c.id(), c.runId(), c.step(), c.text(), c.author(), c.createdAt(), c.editedAt());
        }

        /** "2026-11-23 10:00:00 UTC", for pages. */
        public String created() {
            return WHEN.format(createdAt);
        }

        /** The execution it is on, or "" for the whole run. */
        public String onStep() {
            return step.orElse("");
        }

        public String edited() {
            return editedAt.map(WHEN::format).orElse("");
        }
    }

    /** Why a comment could not be added, changed or read. */
    public static final class Refused extends Exception {
        /** What the caller should be told: no such run or comment, bad input, or not theirs. */
        public enum Why { NOT_FOUND, BAD_INPUT, NOT_AUTHOR }

        private final Why why;

        Refused(Why why, String message) {
            super(message);
            this.why = why;
        }

        public Why why() {
            return why;
        }
    }

    private final RunStore store;
    private final RunbookLoader loader;
    private final Clock clock;
    private final Consumer<String> changed;

    /** @param changed told the run whose comments changed, so its record is written again ({@link RecordExport#changed}) */
    public RunComments(RunStore store, RunbookLoader loader, Clock clock, Consumer<String> changed) {
        this.store = store;
        this.loader = loader;
        this.clock = clock;
        this.changed = changed;
    }

    /** The run's comments, oldest first. */
    public List<View> list(String runId) throws Refused {
        run(runId);
        return store.comments().comments(runId).stream().map(View::of).toList();
    }

    /**
     * Adds {@code by}'s comment on the run, or on one of its executions ({@code step}: a step id of its runbook, or an
     * execution the run had: a for-each item {@code ID[i]}, a handler {@code handler/for-owner}).
     *
     * @param how where it came from ({@code api}, {@code web}), for the audit trail
     */
    public View add(String runId, Optional<String> step, String text, String by, String how) throws Refused {
        StoredRun run = run(runId);
        Optional<String> on = step.map(String::strip).filter(s -> !s.isEmpty());
        if (on.isPresent()) {
            checkStep(run, on.get());
        }
        checkText(text);
        Comment added = store.comments().add(runId, on, text, by, clock.instant(), c -> fact("comment-added", c, by, how));
        changed.accept(runId);
        return View.of(added);
    }

    /** Replaces the text of {@code by}'s own comment. */
    public View edit(String runId, String commentId, String text, String by, String how) throws Refused {
        own(runId, commentId, by, "edit");
        checkText(text);
        Comment edited = store.comments().edit(runId, commentId, text, clock.instant(), c -> fact("comment-edited", c, by, how))
                .orElseThrow(() -> gone(runId, commentId));
        changed.accept(runId);
        return View.of(edited);
    }

    /** Deletes {@code by}'s own comment; the audit trail keeps that it was there and who deleted it. */
    public void delete(String runId, String commentId, String by, String how) throws Refused {
        own(runId, commentId, by, "delete");
        if (!store.comments().delete(runId, commentId, c -> fact("comment-deleted", c, by, how))) {
            throw gone(runId, commentId);
        }
        changed.accept(runId);
    }

    /** The record's {@code ## Comments} section; empty when the run has none. */
    static String markdown(List<Comment> comments) {
        if (comments.isEmpty()) {
            return "";
        }
        StringBuilder out = new StringBuilder("\n## Comments\n\n");
        for (Comment c : comments) {
            out.append("- ").append(WHEN.format(c.createdAt())).append(", ").append(escape(c.author()))
                    .append(c.step().map(s -> " on step " + code(s)).orElse(" on the run"))
                    .append(c.editedAt().map(e -> " (edited " + WHEN.format(e) + ")").orElse("")).append(":\n");
            for (String line : c.text().replace("\r", "").split("\n", -1)) {
                out.append("  >").append(line.isBlank() ? "" : " " + escape(line)).append('\n');
            }
        }
        return out.toString();
    }

    // //why: a backslash before a punctuation character makes it a literal in CommonMark; these are the ones that open
    // emphasis, code, links, images, HTML, entities, headings or tables anywhere, and the ones that start a list or a
    // heading underline at a line's start: escaped, no comment can change how the record around it renders
    static String escape(String line) {
        String escaped = line.replaceAll("([\\\\`*_\\[\\]<>!|~&#])", "\\\\$1");
        return escaped.replaceFirst("^(\\s*)([-+=])", "$1\\\\$2").replaceFirst("^(\\s*\\d+)([.)])", "$1\\\\$2");
    }

    private static String code(String text) {
        String fence = "`".repeat(text.contains("`") ? 2 : 1);
        return fence + (text.contains("`") ? " " + text + " " : text) + fence;
    }

    private StoredRun run(String runId) throws Refused {
        return store.run(runId).orElseThrow(() -> new Refused(Refused.Why.NOT_FOUND, "no run " + runId + " in " + store.describe()));
    }

    private void checkStep(StoredRun run, String step) throws Refused {
        List<RunEvent> events = store.events(run.id());
        if (!events.isEmpty() && RunState.fold(events).execution(step).isPresent()) {
            return;
        }
        String text = store.runbookText(run.id()).orElse("");
        if (loader.load(run.runbookFile(), text).runbook().step(step).isPresent()) {
            return;
        }
        throw new Refused(Refused.Why.BAD_INPUT, "run " + run.id() + " of " + run.runbookId() + " has no step '" + step
                + "'; name a step id of its runbook, a for-each item ID[i] or a handler it ran, or leave the step out to comment on the run");
    }

    private static void checkText(String text) throws Refused {
        try {
            Comment.checkText(text);
        } catch (IllegalArgumentException e) {
            throw new Refused(Refused.Why.BAD_INPUT, e.getMessage());
        }
    }

    private Comment own(String runId, String commentId, String by, String verb) throws Refused {
        run(runId);
        Comment comment = store.comments().comments(runId).stream().filter(c -> c.id().equals(commentId)).findFirst()
                .orElseThrow(() -> gone(runId, commentId));
        if (!comment.author().equals(by)) {
            throw new Refused(Refused.Why.NOT_AUTHOR, "comment " + commentId + " on run " + runId + " is " + comment.author()
                    + "'s; only its author may " + verb + " it");
        }
        return comment;
    }

    private static Refused gone(String runId, String commentId) {
        return new Refused(Refused.Why.NOT_FOUND, "run " + runId + " has no comment " + commentId);
    }

    /** The audit entry of a change to {@code comment}: who, which comment, which step, how long; never the text. */
    private AuditFact fact(String type, Comment comment, String by, String how) {
        ObjectNode fact = JsonNodeFactory.instance.objectNode().put("run", comment.runId()).put("comment", comment.id()).put("by", by)
                .put("how", how).put("chars", comment.text().length());
        comment.step().ifPresent(s -> fact.put("step", s));
        return new AuditFact(clock.instant(), type, fact);
    }
}
