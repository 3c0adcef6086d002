package dev.opsbook.web;

import dev.opsbook.engine.RunStatus;
import dev.opsbook.serve.Roles;
import dev.opsbook.serve.Serving;
import dev.opsbook.service.RunQueries;
import dev.opsbook.service.RunSearch;
import dev.opsbook.service.RunView;
import dev.opsbook.service.Service;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import dev.opsbook.incident.IncidentIds;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/** The run list, filtered by runbook, status, trigger and incident, searched by words ({@link RunSearch}) and since when. */
@Path("/runs")
@Blocking
@Produces(MediaType.TEXT_HTML)
public class RunListPage {

    @Inject
    Serving serving;

    @Inject
    PageResponses pages;

    @Inject
    SecurityIdentity identity;

    @GET
    @RolesAllowed(Roles.VIEWER)
    public Response runs(@QueryParam("runbook") String runbookParam, @QueryParam("status") String statusParam,
                         @QueryParam("trigger") String triggerParam, @QueryParam("drill") String drillParam,
                         @QueryParam("q") String searchParam, @QueryParam("since") String sinceParam,
                         @QueryParam("incident") String incidentParam) {
        Service service = serving.get();
        Optional<String> runbook = given(runbookParam);
        Optional<String> trigger = given(triggerParam);
        Optional<String> statusText = given(statusParam);
        Optional<RunStatus> status = statusText.flatMap(s -> Arrays.stream(RunStatus.values()).filter(v -> v.label().equals(s)).findFirst());
        if (statusText.isPresent() && status.isEmpty()) {
            return pages.error(400, "Unknown status", "There is no status '" + statusText.get() + "'; choose one of "
                    + String.join(", ", Arrays.stream(RunStatus.values()).map(RunStatus::label).toList()) + ".", identity);
        }
        Optional<Boolean> drill = given(drillParam).map(Boolean::parseBoolean);
        Optional<String> search;
        Optional<java.time.Instant> since;
        Optional<String> incident;
        try {
            search = given(searchParam).map(RunSearch::text);
            incident = given(incidentParam).map(String::strip).map(IncidentIds::checked);
            since = given(sinceParam).map(s -> RunSearch.time("since", s, java.time.Instant.now()));
        } catch (IllegalArgumentException e) {
            return pages.error(400, "Cannot search so", capitalized(e.getMessage()) + ".", identity);
        }
        List<RunView> recent = service.queries().list(RunQueries.Filter.latest(500));
        TreeSet<String> runbookIds = new TreeSet<>();
        service.operations().runbooks().forEach(r -> runbookIds.add(r.runbook().id()));
        recent.forEach(r -> runbookIds.add(r.runbookId()));
        TreeSet<String> triggers = new TreeSet<>(List.of("api", "cli", "event", "web"));
        recent.forEach(r -> triggers.add(r.trigger()));
        Map<String, Object> data = new HashMap<>();
        data.put("runs", service.queries().list(new RunQueries.Filter(runbook, status, trigger, since,
                Optional.empty(), 0, 200, drill, search, incident)).stream().map(Views::row).toList());
        data.put("runbookIds", List.copyOf(runbookIds));
        data.put("statuses", Arrays.stream(RunStatus.values()).map(RunStatus::label).toList());
        data.put("triggers", List.copyOf(triggers));
        data.put("filter", Map.of("runbook", runbook.orElse(""), "status", statusText.orElse(""), "trigger", trigger.orElse(""),
                "drill", drill.map(String::valueOf).orElse(""), "q", search.orElse(""), "since", given(sinceParam).orElse(""),
                "incident", incident.orElse("")));
        return pages.page(200, "runs", identity, data);
    }

    private static String capitalized(String message) {
        return Character.toUpperCase(message.charAt(0)) + message.substring(1);
    }

    private static Optional<String> given(String value) {
        return Optional.ofNullable(value).filter(s -> !s.isBlank());
    }
}
