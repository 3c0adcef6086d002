package dev.opsbook.web;

import dev.opsbook.incident.IncidentIds;
import dev.opsbook.incident.Timeline;
import dev.opsbook.runbook.Durations;
import dev.opsbook.serve.Roles;
import dev.opsbook.serve.Serving;
import dev.opsbook.service.IncidentRuns;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The recent incidents, and one incident's timeline across its runs and people, with a link to its post-incident draft. */
@Path("/incidents")
@Blocking
@Produces(MediaType.TEXT_HTML)
public class IncidentPage {

    /** An incident in the list. */
    public record Row(String id, String kind, String label, String startedAt, String started, int runs, boolean open) {
    }

    /** A line of the timeline, as the page shows it. */
    public record Line(String at, String when, String kind, String run, String who, String what) {
    }

    @Inject
    Serving serving;

    @Inject
    PageResponses pages;

    @Inject
    SecurityIdentity identity;

    @GET
    @RolesAllowed(Roles.VIEWER)
    public Response list() {
        IncidentRuns incidents = serving.get().incidents();
        List<Row> rows = incidents.latest(200).stream().map(IncidentPage::row).toList();
        Map<String, Object> data = new HashMap<>();
        data.put("incidents", rows);
        data.put("window", Durations.format(incidents.window()));
        return pages.page(200, "incidents", identity, data);
    }

    @GET
    @Path("{id}")
    @RolesAllowed(Roles.VIEWER)
    public Response incident(@PathParam("id") String id) {
        if (IncidentIds.problem(id).isPresent()) {
            return pages.notFound("No incident " + id + ": " + IncidentIds.problem(id).get() + ".", identity);
        }
        return serving.get().incidents().incident(id).map(incident -> {
            Map<String, Object> data = new HashMap<>();
            data.put("incident", row(incident.summary()));
            data.put("runs", incident.runs().stream().map(Views::row).toList());
            data.put("timeline", incident.timeline().stream().map(IncidentPage::line).toList());
            data.put("began", Views.WHEN.format(incident.facts().began()));
            data.put("toFirstStep", incident.facts().toFirstStep().map(Durations::format).orElse("no step started"));
            data.put("toResolution", incident.facts().toResolution().map(Durations::format).orElse("not resolved yet"));
            data.put("questions", incident.facts().questions());
            return pages.page(200, "incident", identity, data);
        }).orElseGet(() -> pages.notFound("No incident " + id + ". The incidents page lists the recent ones.", identity));
    }

    private static Row row(IncidentRuns.Summary g) {
        return new Row(g.id(), g.kind().label(), g.label(), g.startedAt().toString(), Views.WHEN.format(g.startedAt()), g.runs(), g.open());
    }

    private static Line line(Timeline.Entry e) {
        return new Line(e.at().toString(), Views.WHEN.format(e.at()), e.kind().label(), e.runId(), e.who(), e.what());
    }
}
