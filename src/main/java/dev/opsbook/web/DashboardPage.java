package dev.opsbook.web;

import dev.opsbook.engine.RunStatus;
import dev.opsbook.runbook.Durations;
import dev.opsbook.serve.Roles;
import dev.opsbook.serve.Serving;
import dev.opsbook.stats.Stats;
import dev.opsbook.stats.StatsQuery;
import io.quarkus.qute.RawString;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The dashboards: over every runbook ({@code /dashboard}) or one ({@code /dashboard/{runbook}}), the figures of {@code GET /api/stats}. */
@Path("/dashboard")
@Blocking
@Produces(MediaType.TEXT_HTML)
public class DashboardPage {

    @Inject
    Serving serving;

    @Inject
    PageResponses pages;

    @Inject
    SecurityIdentity identity;

    @GET
    @RolesAllowed(Roles.VIEWER)
    public Response overall(@QueryParam("since") String since, @QueryParam("until") String until, @QueryParam("drill") String drill) {
        return page(Optional.empty(), since, until, drill);
    }

    @GET
    @Path("{runbook}")
    @RolesAllowed(Roles.VIEWER)
    public Response runbook(@PathParam("runbook") String runbook, @QueryParam("since") String since, @QueryParam("until") String until,
                            @QueryParam("drill") String drill) {
        return page(Optional.of(runbook), since, until, drill);
    }

    private Response page(Optional<String> runbook, String since, String until, String drill) {
        StatsQuery query;
        try {
            query = StatsQuery.parse(runbook, Optional.ofNullable(since), Optional.ofNullable(until), Optional.ofNullable(drill), Instant.now());
        } catch (IllegalArgumentException e) {
            return pages.error(400, "Not a time range", e.getMessage(), identity);
        }
        Stats stats = serving.get().queries().stats(query);
        Map<String, Object> data = new HashMap<>();
        data.put("runbook", runbook.orElse(""));
        data.put("since", query.since().toString());
        data.put("until", query.until().toString());
        data.put("drills", query.drills());
        data.put("runs", stats.runs());
        data.put("successRate", stats.successRate().map(r -> String.format(Locale.ROOT, "%.0f%%", r * 100)).orElse("–"));
        data.put("ended", stats.runs(RunStatus.SUCCEEDED) + stats.runs(RunStatus.FAILED) + stats.runs(RunStatus.CANCELLED));
        data.put("chart", new RawString(ChartSvg.runsPerDay(stats.days())));
        data.put("legend", List.of("succeeded", "failed", "cancelled", "needs-attention", "waiting", "running"));
        data.put("timings", List.of(timing("to-first-step", "Event to first step", stats.toFirstStep(), "runs an event started"),
                timing("waiting-for-people", "Waiting for people", stats.waitingForPeople(), "answers"),
                timing("to-resolution", "Start to end", stats.toResolution(), "runs that ended")));
        List<Map<String, Object>> failing = new ArrayList<>();
        stats.failing().forEach(f -> failing.add(Map.of("runbook", f.runbookId(), "step", f.stepId(), "failures", f.failures(), "runs", f.runs(),
                "last", f.lastFailure().toString())));
        data.put("failing", failing);
        List<Map<String, Object>> next = new ArrayList<>();
        stats.automateNext().forEach(c -> next.add(Map.of("runbook", c.runbookId(), "step", c.stepId(), "kind", c.kind(),
                "personTime", Durations.format(c.personTime()), "reason", c.reason())));
        data.put("automateNext", next);
        return pages.page(200, "dashboard", identity, data);
    }

    private static Map<String, Object> timing(String id, String name, Stats.Timing timing, String over) {
        return Map.of("id", id, "name", name, "median", timing.median().map(Durations::format).orElse("–"),
                "p90", timing.p90().map(Durations::format).orElse("–"), "count", timing.count(), "over", over,
                "total", Durations.format(timing.total()), "hasTotal", !timing.total().equals(Duration.ZERO));
    }
}
