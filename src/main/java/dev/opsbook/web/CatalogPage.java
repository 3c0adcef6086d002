package dev.opsbook.web;

import dev.opsbook.engine.InvalidRunException;
import dev.opsbook.graph.LoadedRunbook;
import dev.opsbook.serve.Caller;
import dev.opsbook.serve.Roles;
import dev.opsbook.serve.Serving;
import dev.opsbook.service.RunOperations;
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
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import dev.opsbook.incident.IncidentIds;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The runbook catalog and each runbook's page with its launch form: shown to every viewer,
 * planned and launched by operators. A launch form is checked in the server as in the browser;
 * each problem goes back next to its field.
 */
@Path("/runbooks")
@Blocking
@Produces(MediaType.TEXT_HTML)
public class CatalogPage {

    /** The launch form's incident field: named so that no runbook parameter can take its name. */
    static final String INCIDENT_FIELD = "opsbook.incident";

    @Inject
    Serving serving;

    @Inject
    PageResponses pages;

    @Inject
    SecurityIdentity identity;

    @GET
    @RolesAllowed(Roles.VIEWER)
    public Response catalog() {
        return pages.page(200, "catalog", identity,
                Map.of("runbooks", serving.get().operations().runbooks().stream().map(Views::card).toList()));
    }

    @GET
    @Path("{id}")
    @RolesAllowed(Roles.VIEWER)
    public Response runbook(@PathParam("id") String id) {
        Service service = serving.get();
        Optional<LoadedRunbook> loaded = service.operations().runbook(id);
        if (loaded.isEmpty()) {
            return pages.notFound("No runbook '" + id + "' is loaded. The catalog lists those that are.", identity);
        }
        return runbookPage(service, loaded.get(), 200, LaunchForm.of(loaded.get().runbook()), List.of(), null);
    }

    @POST
    @Path("{id}/plan")
    @RolesAllowed(Roles.OPERATOR)
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response plan(@PathParam("id") String id, MultivaluedMap<String, String> form) {
        Service service = serving.get();
        String incident = form == null || form.getFirst(INCIDENT_FIELD) == null ? "" : form.getFirst(INCIDENT_FIELD).strip();
        return submitted(service, id, form, (loaded, params, checked) -> runbookPage(service, loaded, 200, checked, List.of(),
                Views.plan(service.operations().plan(loaded, params)), incident, ""));
    }

    @POST
    @Path("{id}/launch")
    @RolesAllowed(Roles.OPERATOR)
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response launch(@PathParam("id") String id, MultivaluedMap<String, String> form) {
        Service service = serving.get();
        String who = Caller.principal(identity).orElseThrow().who();
        Optional<String> incident = Optional.ofNullable(form == null ? null : form.getFirst(INCIDENT_FIELD)).map(String::strip).filter(s -> !s.isEmpty());
        return submitted(service, id, form, (loaded, params, checked) ->
                PageResponses.seeOther(PageResponses.runPath(service.operations().launch(loaded, params, who, "web", incident))));
    }

    private interface FormAction {
        Response on(LoadedRunbook loaded, Map<String, String> params, LaunchForm checked) throws InvalidRunException;
    }

    private Response submitted(Service service, String id, MultivaluedMap<String, String> posted, FormAction action) {
        Optional<LoadedRunbook> loaded = service.operations().runbook(id);
        if (loaded.isEmpty()) {
            return pages.notFound("No runbook '" + id + "' is loaded.", identity);
        }
        Map<String, String> form = fields(posted);
        LaunchForm checked = LaunchForm.submitted(loaded.get().runbook(), form);
        String incident = form.getOrDefault(INCIDENT_FIELD, "").strip();
        Optional<String> incidentError = incident.isEmpty() ? Optional.empty() : IncidentIds.problem(incident);
        if (!checked.valid() || incidentError.isPresent()) {
            return runbookPage(service, loaded.get(), 422, checked, List.of(), null, incident, incidentError.orElse(""));
        }
        try {
            return action.on(loaded.get(), LaunchForm.parameters(loaded.get().runbook(), form), checked);
        } catch (InvalidRunException e) {
            return runbookPage(service, loaded.get(), 422, checked, e.problems(), null);
        } catch (RunOperations.Busy e) {
            return runbookPage(service, loaded.get(), 503, checked, List.of(e.getMessage()), null);
        }
    }

    private Response runbookPage(Service service, LoadedRunbook loaded, int status, LaunchForm form, List<String> problems,
                                 List<Views.PlanRow> plan) {
        return runbookPage(service, loaded, status, form, problems, plan, "", "");
    }

    private Response runbookPage(Service service, LoadedRunbook loaded, int status, LaunchForm form, List<String> problems,
                                 List<Views.PlanRow> plan, String incident, String incidentError) {
        Map<String, Object> data = new HashMap<>();
        data.put("incident", incident);
        data.put("incidentError", incidentError);
        data.put("rb", Views.card(loaded));
        data.put("form", form);
        data.put("problems", problems);
        data.put("plan", plan);
        data.put("graph", new RawString(GraphSvg.render(loaded.graph(), Map.of())));
        data.put("runs", service.queries().list(RunQueries.Filter.latestOf(loaded.runbook().id(), 10)).stream().map(Views::row).toList());
        return pages.page(status, "runbook", identity, data);
    }

    /** The form's fields, first value of each, without the form token. */
    static Map<String, String> fields(MultivaluedMap<String, String> posted) {
        Map<String, String> form = new HashMap<>();
        if (posted != null) {
            posted.forEach((name, values) -> {
                if (!values.isEmpty() && !name.equals(FormTokens.FIELD)) {
                    form.put(name, values.get(0));
                }
            });
        }
        return form;
    }
}
