package dev.opsbook.web;

import dev.opsbook.engine.RunEvent;
import dev.opsbook.engine.RunResult;
import dev.opsbook.engine.RunState;
import dev.opsbook.engine.RunStatus;
import dev.opsbook.graph.LoadedRunbook;
import dev.opsbook.serve.Caller;
import dev.opsbook.serve.Roles;
import dev.opsbook.serve.Serving;
import dev.opsbook.service.Approvals;
import dev.opsbook.service.RunQueries;
import dev.opsbook.service.Service;
import io.quarkus.qute.RawString;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.resteasy.reactive.RestForm;

/**
 * A run's page: its record, step graph, the approvals it waits for, its event and audit trail.
 * While the run goes on, the page's script listens to the run's stream (served apart, by the live
 * part) and fetches {@code /runs/{id}/live}, the changing part, already rendered and escaped.
 */
@Path("/runs/{id}")
@Blocking
@Produces(MediaType.TEXT_HTML)
public class RunPage {

    @Inject
    Serving serving;

    @Inject
    PageResponses pages;

    @Inject
    SecurityIdentity identity;

    @GET
    @RolesAllowed(Roles.VIEWER)
    public Response run(@PathParam("id") String id) {
        Service service = serving.get();
        return runData(service, id).map(data -> {
            data.put("incident", service.incidents().incidentOf(id).orElse(null));
            return pages.page(200, "run", identity, Comments.onPage(service, id, data, identity));
        }).orElseGet(() -> pages.notFound("No run " + id + " in " + service.queries().describe() + ".", identity));
    }

    /** The changing part of a run page, which the page's script fetches when the stream says the run moved. */
    @GET
    @Path("live")
    @RolesAllowed(Roles.VIEWER)
    public Response live(@PathParam("id") String id) {
        return runData(serving.get(), id).map(data -> pages.page(200, "run-live", identity, data))
                .orElseGet(() -> pages.notFound("No run " + id + ".", identity));
    }

    @POST
    @Path("steps/{step}/answer")
    @RolesAllowed(Roles.APPROVER)
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response answer(@PathParam("id") String runId, @PathParam("step") String step, @RestForm String answer,
                           @RestForm String comment) {
        if (answer == null || !(answer.equals("approve") || answer.equals("reject"))) {
            return pages.error(400, "No answer", "The form must say answer=approve or answer=reject.", identity);
        }
        try {
            serving.get().operations().answer(runId, step, answer.equals("approve"), Caller.principal(identity).orElseThrow().who(),
                    comment == null ? "" : comment);
            return PageResponses.seeOther(PageResponses.runPath(runId));
        } catch (Approvals.Refused e) {
            return pages.error(e.forbidden() ? 403 : 409, "Cannot answer", e.getMessage(), identity);
        }
    }

    @POST
    @Path("ack")
    @RolesAllowed(Roles.OPERATOR)
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response acknowledge(@PathParam("id") String runId) {
        try {
            serving.get().operations().acknowledge(runId, Caller.principal(identity).orElseThrow().who(), "web");
            return PageResponses.seeOther(PageResponses.runPath(runId));
        } catch (Approvals.Refused e) {
            return pages.error(409, "Cannot acknowledge", e.getMessage(), identity);
        }
    }

    private static Optional<Map<String, Object>> runData(Service service, String id) {
        Optional<RunQueries.Detail> run = service.queries().detail(id);
        if (run.isEmpty()) {
            return Optional.empty();
        }
        List<RunEvent> events = run.get().events();
        LoadedRunbook loaded = run.get().runbook();
        RunResult result = run.get().result();
        RunState state = result.state();
        Map<String, Object> data = new HashMap<>();
        data.put("run", Views.summary(state));
        data.put("family", RunFamily.of(state.startedBy(), loaded, state));
        data.put("seen", state.status().label() + "-" + events.size());
        data.put("live", isLive(state.status()));
        data.put("graph", new RawString(GraphSvg.render(loaded.graph(), Views.statuses(state))));
        data.put("record", new RawString(service.operations().records().of(loaded.runbook(), events).htmlFragment()));
        data.put("waiting", Views.waiting(loaded.graph(), state, result.redactor()));
        data.put("event", Views.event(state, result.redactor()).orElse(null));
        data.put("audit", Views.audit(service.queries().audits(), run.get().run()));
        data.put("escalation", service.queries().escalation(id));
        data.put("commentSteps", Comments.steps(loaded, state));
        return Optional.of(data);
    }

    /** A waiting run is followed too: once someone answers, it goes on. */
    static boolean isLive(RunStatus status) {
        return status == RunStatus.RUNNING || status == RunStatus.WAITING;
    }
}
