package dev.opsbook.service;

import dev.opsbook.engine.RunState;
import dev.opsbook.store.Escalations;
import dev.opsbook.store.RunStore;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Who was told what, and when, of a run's escalation, and who stopped it, as the run page and the record show it: one line
 * per tier told (its channels, a failing delivery and its next retry) and per acknowledgement.
 *
 * @param lines what happened, in order
 * @param failing whether a delivery is failing now (shown as an error)
 * @param acknowledgeable the run escalates now and nobody acknowledged it: the page offers the Acknowledge button
 */
public record EscalationView(List<String> lines, boolean failing, boolean acknowledgeable) {

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    public EscalationView {
        lines = List.copyOf(lines);
    }

    public boolean isEmpty() {
        return lines.isEmpty() && !acknowledgeable;
    }

    static EscalationView of(RunStore store, String runId, RunState state) {
        return of(store.notices(runId), store.acknowledgements(runId), state);
    }

    /** From the run's notices and acknowledgements as the store keeps them. Pure. */
    static EscalationView of(List<Escalations.Notice> notices, List<Escalations.Acknowledgement> acks, RunState state) {
        List<String> lines = new ArrayList<>();
        boolean failing = false;
        for (Escalations.Notice n : notices) {
            StringBuilder line = new StringBuilder(WHEN.format(n.toldAt()) + ": tier " + (n.tier() + 1) + " told (" + what(n.occasion()) + ")");
            line.append(n.delivered().isEmpty() ? ", delivered to no channel yet" : " through " + String.join(", ", n.delivered()));
            if (!n.failure().isBlank()) {
                line.append("; delivery failed (attempt ").append(n.attempts()).append("): ").append(n.failure());
                if (n.retryAt().isPresent() && n.closedHow().isEmpty()) {
                    failing = true;
                    line.append("; retried at ").append(WHEN.format(n.retryAt().get()));
                }
            }
            lines.add(line.toString());
        }
        for (Escalations.Acknowledgement a : acks) {
            lines.add(WHEN.format(a.at()) + ": acknowledged by " + a.by() + " (" + what(a.occasion()) + ")");
        }
        notices.stream().filter(n -> n.closedHow().isPresent() && n.closedAt().isPresent())
                .map(n -> WHEN.format(n.closedAt().get()) + ": escalation stopped, " + n.closedHow().get() + " (" + what(n.occasion()) + ")")
                .distinct().forEach(lines::add);
        lines.sort(String::compareTo);
        Optional<Occasions.Occasion> now = Occasions.of(state, id -> Optional.empty());
        boolean acknowledgeable = now.isPresent() && acks.stream().noneMatch(a -> a.occasion().equals(now.get().key()));
        return new EscalationView(lines, failing, acknowledgeable);
    }

    /** The record's section, when anything was told. */
    String markdown() {
        if (lines.isEmpty()) {
            return "";
        }
        StringBuilder out = new StringBuilder("\n## Escalation\n\n");
        lines.forEach(l -> out.append("- ").append(l.replace("*", "\\*").replace("_", "\\_")).append('\n'));
        return out.toString();
    }

    private static String what(String occasion) {
        int at = occasion.lastIndexOf('@');
        String head = at > 0 ? occasion.substring(0, at) : occasion;
        if (head.startsWith("waiting:")) {
            return "waiting for a person at step '" + head.substring("waiting:".length()) + "'";
        }
        if (head.startsWith("attention:")) {
            return "needing attention at step '" + head.substring("attention:".length()) + "'";
        }
        return "failed";
    }
}
