package dev.opsbook.web;

import dev.opsbook.alarm.AlarmReadException;
import dev.opsbook.serve.Roles;
import dev.opsbook.serve.Serving;
import dev.opsbook.service.CoverageReport;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Which CloudWatch alarm starts which runbook: the page of {@code GET /api/coverage}. */
@Path("/coverage")
@Blocking
@Produces(MediaType.TEXT_HTML)
public class CoveragePage {

    @Inject
    Serving serving;

    @Inject
    PageResponses pages;

    @Inject
    SecurityIdentity identity;

    @GET
    @RolesAllowed(Roles.VIEWER)
    public Response coverage() {
        Map<String, Object> data = new HashMap<>();
        try {
            CoverageReport report = serving.get().coverage().report();
            data.put("report", Map.of("from", report.from(), "read", report.read().toString(), "alarmCount", report.alarms().size(),
                    "uncoveredCount", report.uncovered().size(), "idle", report.idle(), "warnings", report.warnings()));
            data.put("alarms", report.alarms().stream().map(CoveragePage::row).toList());
            data.put("problem", "");
        } catch (AlarmReadException e) {
            data.put("problem", e.getMessage());
        }
        return pages.page(200, "coverage", identity, data);
    }

    private static Map<String, Object> row(CoverageReport.AlarmRow alarm) {
        List<Map<String, Object>> starts = new ArrayList<>();
        for (CoverageReport.Start start : alarm.starts()) {
            List<String> parameters = new ArrayList<>();
            start.parameters().fields().forEachRemaining(p -> parameters.add(p.getKey() + " = "
                    + (p.getValue().isTextual() ? p.getValue().textValue() : p.getValue().toString())));
            starts.add(Map.of("runbook", start.runbook(), "trigger", start.trigger(), "parameters", parameters));
        }
        Map<String, Object> row = new HashMap<>();
        row.put("name", alarm.alarm());
        row.put("type", alarm.type());
        row.put("watches", alarm.watches());
        row.put("covered", alarm.covered());
        row.put("starts", starts);
        row.put("stuck", alarm.stuck().stream().map(s -> s.runbook() + " (" + s.trigger() + ") matches but cannot start: " + s.problem()).toList());
        row.put("named", alarm.named().map(n -> n.problem().map(p -> "names " + n.runbook() + " (" + n.where() + "), not counted: " + p)
                .orElse("named by its " + n.where())).orElse(""));
        row.put("namedProblem", alarm.named().map(n -> n.problem().isPresent()).orElse(false));
        return row;
    }
}
