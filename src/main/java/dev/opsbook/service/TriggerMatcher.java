package dev.opsbook.service;

import dev.opsbook.engine.Redactor;
import dev.opsbook.graph.LoadedRunbook;
import dev.opsbook.runbook.Runbook;
import dev.opsbook.trigger.EventEnvelope;
import dev.opsbook.trigger.ParsedEvent;
import dev.opsbook.trigger.TriggerIndex;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The dispatcher's view of the trigger index: compiled anew whenever the runbook folders change. */
public final class TriggerMatcher implements EventMatcher {

    private volatile TriggerIndex index = TriggerIndex.of(List.of());
    private volatile Map<String, LoadedRunbook> byId = Map.of();

    @Override
    public Parsed parse(String body) {
        ParsedEvent parsed = EventEnvelope.parse(body);
        if (parsed instanceof EventEnvelope envelope) {
            return new Parsed(Optional.of(new Event(envelope.id(), envelope.source(), envelope.detailType(), envelope.raw())), "");
        }
        return new Parsed(Optional.empty(), ((EventEnvelope.Rejection) parsed).reason());
    }

    @Override
    public void use(List<LoadedRunbook> runbooks) {
        Map<String, LoadedRunbook> ids = new HashMap<>();
        runbooks.forEach(r -> ids.put(r.runbook().id(), r));
        byId = Map.copyOf(ids);
        index = TriggerIndex.of(runbooks.stream().map(LoadedRunbook::runbook).toList());
    }

    @Override
    public List<Match> match(Event event) {
        Map<String, LoadedRunbook> known = byId;
        Map<String, Match> perRunbook = new java.util.LinkedHashMap<>();
        for (TriggerIndex.Match m : index.matches(event.raw())) {
            LoadedRunbook runbook = known.get(m.runbook().id());
            if (runbook == null) {
                continue;
            }
            Match found = new Match(runbook, m.triggerIndex(), m.ok() ? Optional.of(m.parameters()) : Optional.empty(),
                    String.join("; ", m.problems()));
            // the first trigger that maps wins; a runbook whose every matching trigger fails to map reports the first failure
            perRunbook.merge(m.runbook().id(), found, (earlier, later) -> earlier.params().isPresent() || later.params().isEmpty() ? earlier : later);
        }
        return List.copyOf(perRunbook.values());
    }

    @Override
    public Redactor redactor(com.fasterxml.jackson.databind.JsonNode message) {
        return Redactor.forEvent(index.runbooks(), message);
    }

    static String id(Runbook runbook) {
        return runbook.id();
    }
}
