package dev.opsbook.engine;

import dev.opsbook.graph.LoadedRunbook;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * A run to start.
 *
 * @param startedBy who: an OS user, or later an event
 * @param trigger how: "cli", "event", ...
 * @param runTimeout overrides the runbook's own {@code timeout}
 * @param drill the game day this run is a drill of (empty: a real run); kept with the run's start
 * @param incident the incident id it is launched under (empty: none); kept with the run's start, checked by the caller
 */
public record RunRequest(
        LoadedRunbook runbook,
        Map<String, String> params,
        String startedBy,
        String trigger,
        Interaction interaction,
        Optional<Duration> runTimeout,
        Path workingDirectory,
        Optional<com.fasterxml.jackson.databind.JsonNode> event,
        Optional<String> drill,
        Optional<String> incident) {

    public RunRequest {
        params = Map.copyOf(params);
        incident = incident == null ? Optional.empty() : incident;
    }

    public RunRequest(LoadedRunbook runbook, Map<String, String> params, String startedBy, String trigger, Interaction interaction,
                      Optional<Duration> runTimeout, Path workingDirectory, Optional<com.fasterxml.jackson.databind.JsonNode> event,
                      Optional<String> drill) {
        this(runbook, params, startedBy, trigger, interaction, runTimeout, workingDirectory, event, drill, Optional.empty());
    }

    /** The same request under an incident id (empty: none). */
    public RunRequest withIncident(Optional<String> id) {
        return new RunRequest(runbook, params, startedBy, trigger, interaction, runTimeout, workingDirectory, event, drill, id);
    }

    public RunRequest(LoadedRunbook runbook, Map<String, String> params, String startedBy, String trigger, Interaction interaction,
                      Optional<Duration> runTimeout, Path workingDirectory, Optional<com.fasterxml.jackson.databind.JsonNode> event) {
        this(runbook, params, startedBy, trigger, interaction, runTimeout, workingDirectory, event, Optional.empty());
    }

    /** A run started by a person, not by an event. */
    public RunRequest(LoadedRunbook runbook, Map<String, String> params, String startedBy, String trigger, Interaction interaction,
                      Optional<Duration> runTimeout, Path workingDirectory) {
        this(runbook, params, startedBy, trigger, interaction, runTimeout, workingDirectory, Optional.empty());
    }
}
