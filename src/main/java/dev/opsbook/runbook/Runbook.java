package dev.opsbook.runbook;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A runbook or playbook as written: its front matter contract and its steps in reading order.
 * The full text is kept so a run record can reproduce the document around what happened.
 *
 * @param file the path it was read from, as the user named it (used in diagnostics)
 * @param text the whole document, front matter included
 * @param bodyOffset where the Markdown after the front matter starts in {@code text}
 * @param contentHash SHA-256 of the document's bytes, hex
 * @param envAllowList environment variables templates may read as {@code env.NAME}
 * @param positions where front-matter keys were written, by JSON pointer ("/parameters/region/default")
 * @param triggers the events that start it ({@code triggers:}), in the order written
 * @param concurrency how many of its runs may go on at once ({@code concurrency:})
 * @param limits how many runs events may start ({@code limits:})
 * @param escalation whom to tell when limits suppress a run ({@code escalation:})
 * @param approval who may approve its steps ({@code approval:})
 * @param outputs what a parent run reads of a run of it as {@code steps.ID.outputs.NAME} ({@code outputs:}): name to JMESPath over its context
 */
public record Runbook(
        String id,
        String file,
        String text,
        int bodyOffset,
        String contentHash,
        String title,
        RunbookKind kind,
        String owner,
        String description,
        List<Parameter> parameters,
        List<String> envAllowList,
        Optional<Duration> timeout,
        List<Step> steps,
        Map<String, Position> positions,
        List<Trigger> triggers,
        Optional<Concurrency> concurrency,
        Optional<Limits> limits,
        Optional<Escalation> escalation,
        ApprovalPolicy approval,
        Map<String, String> outputs) {

    public Runbook {
        outputs = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(outputs));
        parameters = List.copyOf(parameters);
        envAllowList = List.copyOf(envAllowList);
        steps = List.copyOf(steps);
        positions = Map.copyOf(positions);
        triggers = List.copyOf(triggers);
    }

    /** A runbook that no event starts and nothing limits. */
    public Runbook(String id, String file, String text, int bodyOffset, String contentHash, String title, RunbookKind kind,
                   String owner, String description, List<Parameter> parameters, List<String> envAllowList,
                   Optional<Duration> timeout, List<Step> steps, Map<String, Position> positions) {
        this(id, file, text, bodyOffset, contentHash, title, kind, owner, description, parameters, envAllowList, timeout,
                steps, positions, List.of(), Optional.empty(), Optional.empty(), Optional.empty(), ApprovalPolicy.ANYONE, Map.of());
    }

    /** This runbook with {@code escalation} in place of its own: a shared path's name, once its tiers are read. */
    public Runbook withEscalation(Escalation escalation) {
        return new Runbook(id, file, text, bodyOffset, contentHash, title, kind, owner, description, parameters, envAllowList, timeout,
                steps, positions, triggers, concurrency, limits, Optional.of(escalation), approval, outputs);
    }

    public Optional<Step> step(String id) {
        return steps.stream().filter(s -> s.id().equals(id)).findFirst();
    }

    public Optional<Parameter> parameter(String name) {
        return parameters.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    public Position positionOf(String pointer) {
        return positions.getOrDefault(pointer, Position.START);
    }
}
