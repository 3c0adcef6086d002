package dev.opsbook.store;

import dev.opsbook.audit.AuditChains;
import dev.opsbook.engine.RunEvent;
import java.util.List;

/**
 * What a run's record and its audit trail file are made of, as the store holds them: the run's row and the runbook text
 * it ran, its history, its trail (the seal read before the lines), who was told of it and who acknowledged, and its
 * comments. Read together by {@link RecordExports#recordParts}.
 */
public record RecordParts(StoredRun run, String runbookText, List<RunEvent> events, AuditChains.Chain trail,
                          List<Escalations.Notice> notices, List<Escalations.Acknowledgement> acknowledgements, List<Comment> comments) {

    public RecordParts {
        events = List.copyOf(events);
        notices = List.copyOf(notices);
        acknowledgements = List.copyOf(acknowledgements);
        comments = List.copyOf(comments);
    }
}
