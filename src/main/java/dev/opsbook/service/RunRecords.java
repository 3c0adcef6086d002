package dev.opsbook.service;

import dev.opsbook.audit.AuditSeal;
import dev.opsbook.audit.AuditSeals;
import dev.opsbook.audit.AuditSummary;
import dev.opsbook.engine.RunEvent;
import dev.opsbook.engine.RunResult;
import dev.opsbook.graph.RunbookLoader;
import dev.opsbook.record.MarkdownRecord;
import dev.opsbook.record.RecordHtml;
import dev.opsbook.record.RecordWriter;
import dev.opsbook.runbook.Runbook;
import dev.opsbook.store.Comment;
import dev.opsbook.store.RecordParts;
import dev.opsbook.store.RunStore;
import dev.opsbook.store.StoredRun;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A run's record, rendered from what the store keeps of the run: the runbook text it ran, its events, and the seal of
 * its audit trail ({@code audit_seals}, under the run id). The one way a record is made: the API, the run page,
 * {@code opsbook show} and the files {@link RecordExport} writes under {@code --record-dir} all show what this renders,
 * so every instance shows the same record of every run. Thread-safe.
 */
public final class RunRecords {

    /** A record as rendered from the run's first {@code events} events, and where it goes in a record folder. */
    /** @param stopped whether the run had stopped (waiting, needing attention or ended) at its last event rendered */
    public record Rendered(String runbookId, String runId, String markdown, long events, boolean stopped) {

        /** {@code RECORD_DIR/RUNBOOK-ID/RUN-ID.md}. */
        public Path fileIn(Path recordDir) {
            return RecordWriter.fileFor(recordDir, runbookId, runId);
        }

        /** {@code RUNBOOK-ID/RUN-ID.md}, its name in a {@link dev.opsbook.record.RecordPlace}. */
        public String name() {
            return dev.opsbook.record.RecordPlace.recordName(runbookId, runId);
        }

        /** The record as an HTML page of its own (the API's {@code text/html}). */
        public String html() {
            return RecordHtml.page(runbookId + " " + runId, markdown);
        }

        /** The record as an HTML fragment, for a page with its own layout (the run page). */
        public String htmlFragment() {
            return RecordHtml.render(markdown);
        }
    }

    private final RunStore store;
    private final RunbookLoader loader;
    /** //why: a run's record is rendered again at each export, and the runbook text it ran never changes: parsed once */
    private final java.util.Map<String, Runbook> parsed = java.util.Collections.synchronizedMap(
            new java.util.LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(java.util.Map.Entry<String, Runbook> eldest) {
                    return size() > 64;
                }
            });

    public RunRecords(RunStore store, RunbookLoader loader) {
        this.store = store;
        this.loader = loader;
    }

    /** Notes that the files of each run under a record folder show its first so many events, in one transaction. */
    void exported(java.util.Map<String, Long> events) {
        store.exported(events);
    }

    /** Stopped runs whose files under a record folder lag their history (an instance was killed before writing them). */
    List<String> unexported(int limit) {
        return store.unexported(limit);
    }

    /** A run's record and the lines of its audit trail in the store ({@link RunAudits#trailText}: its file), from one read of the store. */
    public record Written(Rendered record, List<String> trailLines) {

        public Written {
            trailLines = List.copyOf(trailLines);
        }
    }

    /** The record of a stored run, as it stands now. */
    public Optional<Rendered> of(String runId) {
        return withTrail(runId).map(Written::record);
    }

    /** The record of a stored run and its trail's lines, as they stand now: what {@link RecordExport} writes. */
    public Optional<Written> withTrail(String runId) {
        return Optional.ofNullable(withTrails(List.of(runId)).get(runId));
    }

    /** The same for several runs, read from the store together, by run id (a run not stored is left out). */
    public java.util.Map<String, Written> withTrails(java.util.Collection<String> runIds) {
        java.util.Map<String, Written> written = new java.util.LinkedHashMap<>();
        store.recordParts(runIds).forEach((runId, parts) -> written.put(runId, written(parts)));
        return written;
    }

    private Written written(RecordParts parts) {
        String file = parts.run().runbookFile();
        Runbook runbook = parsed.computeIfAbsent(file + '\u0000' + parts.runbookText(), key -> loader.load(file, parts.runbookText()).runbook());
        // //why: most runs have nobody told; their history is folded once, by the render
        EscalationView escalation = parts.notices().isEmpty() && parts.acknowledgements().isEmpty() ? null
                : EscalationView.of(parts.notices(), parts.acknowledgements(), dev.opsbook.engine.RunState.fold(parts.events()));
        Rendered rendered = of(runbook, parts.events(), parts.trail().seal(), escalation, parts.comments());
        return new Written(rendered, parts.trail().lines());
    }

    /** The record of a stored run from the runbook and events a caller just read from the store (a page that shows both). */
    public Rendered of(Runbook runbook, List<RunEvent> events) {
        String runId = runIdOf(events);
        return of(runbook, events, store.auditSeals().seal(runId), runId.isEmpty() ? null
                : EscalationView.of(store, runId, dev.opsbook.engine.RunState.fold(events)), runId.isEmpty() ? List.of() : store.comments().comments(runId));
    }

    /** @param escalationView null: nobody was told of the run */
    private Rendered of(Runbook runbook, List<RunEvent> events, Optional<AuditSeal> seal, EscalationView escalationView, List<Comment> told) {
        String[] parent = events.isEmpty() || !(events.get(0) instanceof RunEvent.RunStarted started) ? null
                : dev.opsbook.engine.ChildRuns.parentOf(started.startedBy());
        Optional<String> parentRunbook = parent == null ? Optional.empty() : store.run(parent[0]).map(StoredRun::runbookId);
        Rendered rendered = render(runbook, events, seal, parentRunbook);
        // //why: who was told, and who stopped the escalation, is kept beside the run's history (the store's escalation tables)
        String escalation = escalationView == null ? "" : escalationView.markdown();
        // //why: comments live beside the run too (the store's comments table), never among its events
        String comments = RunComments.markdown(told);
        return escalation.isEmpty() && comments.isEmpty() ? rendered
                : new Rendered(rendered.runbookId(), rendered.runId(), rendered.markdown() + escalation + comments, rendered.events(),
                        rendered.stopped());
    }

    private static String runIdOf(List<RunEvent> events) {
        return events.isEmpty() || !(events.get(0) instanceof RunEvent.RunStarted started) ? "" : started.runId();
    }

    /**
     * The record of a run from its history and the seal of its audit trail (none: the record names no trail). Pure: the
     * same history and seal make the same bytes, whoever renders them.
     */
    public static Rendered render(Runbook runbook, List<RunEvent> history, Optional<AuditSeal> seal) {
        return render(runbook, history, seal, Optional.empty());
    }

    /** Likewise, a child run's record linking its parent's, whose runbook is {@code parentRunbook}. */
    public static Rendered render(Runbook runbook, List<RunEvent> history, Optional<AuditSeal> seal, Optional<String> parentRunbook) {
        RunResult result = RunResult.of(runbook, history);
        String runId = result.state().runId();
        Optional<AuditSummary> audit = seal.map(s -> new AuditSummary(Path.of(runId + AuditSeals.SUFFIX), s.entries(), s.finalHash()));
        return new Rendered(runbook.id(), runId, MarkdownRecord.render(result, audit, parentRunbook), history.size(),
                result.state().status() != dev.opsbook.engine.RunStatus.RUNNING);
    }
}
