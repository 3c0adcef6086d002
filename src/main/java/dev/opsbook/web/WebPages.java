package dev.opsbook.web;

import dev.opsbook.access.Principal;
import dev.opsbook.access.Role;
import dev.opsbook.access.Sessions;
import dev.opsbook.engine.InvalidRunException;
import dev.opsbook.engine.Plan;
import dev.opsbook.engine.RunEvent;
import dev.opsbook.engine.RunResult;
import dev.opsbook.engine.RunState;
import dev.opsbook.engine.RunStatus;
import dev.opsbook.graph.LoadedRunbook;
import dev.opsbook.http.Access;
import dev.opsbook.http.Request;
import dev.opsbook.http.Response;
import dev.opsbook.http.Router;
import dev.opsbook.http.Server;
import dev.opsbook.service.Approvals;
import dev.opsbook.service.RunOperations;
import dev.opsbook.service.RunQueries;
import dev.opsbook.service.RunView;
import io.quarkus.qute.RawString;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The web pages {@code opsbook serve} shows people: the runbook catalog with launch forms, the
 * run list, each run's page (its record, step graph, approvals, event and audit trail, following
 * the run live), and the login form. Pages are HTML rendered on the server ({@link Pages}); the
 * only script is {@code /static/opsbook.js}. Who sees which form, and what the server accepts, is
 * decided by the roles of the session's token: the router refuses what a role may not do, whatever
 * the page showed.
 */
public final class WebPages {

    /** How often a live run page's stream looks at the store, and how long one stream lasts before the browser reconnects. */
    static final Duration POLL = Duration.ofMillis(200);
    static final Duration STREAM_LIFETIME = Duration.ofMinutes(10);

    private final RunOperations operations;
    private final RunQueries queries;
    private final Sessions sessions;
    private final Pages pages = new Pages();

    private WebPages(RunOperations operations, RunQueries queries, Sessions sessions) {
        this.operations = operations;
        this.queries = queries;
        this.sessions = sessions;
    }

    /** Adds the pages' routes to the service's router. */
    public static void addTo(Router router, RunOperations operations, RunQueries queries, Sessions sessions) {
        WebPages web = new WebPages(operations, queries, sessions);
        Access viewer = Access.role(Role.VIEWER);
        router.get("/", viewer, request -> Response.seeOther("/runs"));
        router.get("/login", Access.PUBLIC, web::loginForm);
        router.post("/login", Access.PUBLIC, web::login);
        router.post("/logout", viewer, web::logout);
        router.get("/static/{file}", Access.PUBLIC, WebPages::asset);
        router.get("/runbooks", viewer, web::catalog);
        router.get("/runbooks/{id}", viewer, web::runbook);
        router.post("/runbooks/{id}/plan", Access.role(Role.OPERATOR), web::plan);
        router.post("/runbooks/{id}/launch", Access.role(Role.OPERATOR), web::launch);
        router.get("/runs", viewer, web::runs);
        router.get("/runs/{id}", viewer, web::run);
        router.get("/runs/{id}/live", viewer, web::live);
        router.get("/runs/{id}/stream", viewer, web::stream);
        router.post("/runs/{id}/steps/{step}/answer", Access.role(Role.APPROVER), web::answer);
    }

    /**
     * What a request without a session gets: a browser asking for a page is sent to the login
     * form (and back afterwards); scripts and APIs get the 401 problem.
     */
    public static Server.Unauthenticated loginRedirect() {
        return (method, path, accept, problem) -> method.equals("GET") && accept.map(a -> a.contains("text/html")).orElse(false)
                && !path.startsWith("/api/")
                ? Response.seeOther("/login?next=" + URLEncoder.encode(path, StandardCharsets.UTF_8))
                : Server.PROBLEM.answer(method, path, accept, problem);
    }

    // ---- login ---------------------------------------------------------------------------------

    private Response loginForm(Request request) {
        return loginPage(200, request, "", NextPage.from(request.query("next")));
    }

    /** The login form with a fresh pre-session CSRF token, in its hidden field and its cookie. */
    private Response loginPage(int status, Request request, String error, String next) {
        String csrf = sessions.newLoginCsrf();
        return page(status, "login", request, Map.of("error", error, "next", next, "loginCsrf", csrf))
                .with("Set-Cookie", Sessions.loginCookie(csrf));
    }

    private Response login(Request request) {
        String next = NextPage.from(request.formValue("next"));
        if (!sessions.loginCsrfMatches(request.cookie(Sessions.LOGIN_COOKIE).orElse(null), request.formValue("_csrf").orElse(null))) {
            return loginPage(403, request, "This login form did not come from this page, or has expired. Log in again here.", next);
        }
        Optional<Sessions.Session> session = request.formValue("token").map(String::strip).flatMap(sessions::login);
        if (session.isEmpty()) {
            return loginPage(401, request, "That token is unknown or revoked. Paste the whole token that opsbook token create printed.",
                    next);
        }
        return Response.seeOther(next).with("Set-Cookie", session.get().cookie());
    }

    private Response logout(Request request) {
        request.session().ifPresent(s -> sessions.logout(s.id()));
        return Response.seeOther("/login")
                .with("Set-Cookie", Sessions.COOKIE + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
    }

    // ---- runbooks ------------------------------------------------------------------------------

    private Response catalog(Request request) {
        return page(200, "catalog", request, Map.of("runbooks", operations.runbooks().stream().map(Views::card).toList()));
    }

    private Response runbook(Request request) {
        Optional<LoadedRunbook> loaded = operations.runbook(request.param("id"));
        if (loaded.isEmpty()) {
            return notFound(request, "No runbook '" + request.param("id") + "' is loaded. The catalog lists those that are.");
        }
        return runbookPage(request, loaded.get(), 200, LaunchForm.of(loaded.get().runbook()), List.of(), null);
    }

    private Response plan(Request request) {
        return submitted(request, (loaded, params, checked) -> runbookPage(request, loaded, 200, checked, List.of(),
                Views.plan(operations.plan(loaded, params))));
    }

    private Response launch(Request request) {
        return submitted(request, (loaded, params, checked) -> Response.seeOther("/runs/"
                + URLEncoder.encode(operations.launch(loaded, params, request.who().who(), "web"), StandardCharsets.UTF_8)));
    }

    private interface FormAction {
        Response on(LoadedRunbook loaded, Map<String, String> params, LaunchForm checked) throws InvalidRunException;
    }

    /** The launch form as posted, checked in the server like in the browser; each problem goes back next to its field. */
    private Response submitted(Request request, FormAction action) {
        Optional<LoadedRunbook> loaded = operations.runbook(request.param("id"));
        if (loaded.isEmpty()) {
            return notFound(request, "No runbook '" + request.param("id") + "' is loaded.");
        }
        Map<String, String> form = form(request);
        LaunchForm checked = LaunchForm.submitted(loaded.get().runbook(), form);
        if (!checked.valid()) {
            return runbookPage(request, loaded.get(), 422, checked, List.of(), null);
        }
        try {
            return action.on(loaded.get(), LaunchForm.parameters(loaded.get().runbook(), form), checked);
        } catch (InvalidRunException e) {
            return runbookPage(request, loaded.get(), 422, checked, e.problems(), null);
        } catch (dev.opsbook.service.RunOperations.Busy e) {
            return runbookPage(request, loaded.get(), 503, checked, List.of(e.getMessage()), null);
        }
    }

    private Response runbookPage(Request request, LoadedRunbook loaded, int status, LaunchForm form, List<String> problems,
                                 List<Views.PlanRow> plan) {
        Map<String, Object> data = new HashMap<>();
        data.put("rb", Views.card(loaded));
        data.put("form", form);
        data.put("problems", problems);
        data.put("plan", plan);
        data.put("graph", new RawString(GraphSvg.render(loaded.graph(), Map.of())));
        data.put("runs", queries.list(RunQueries.Filter.latestOf(loaded.runbook().id(), 10)).stream().map(Views::row).toList());
        return page(status, "runbook", request, data);
    }

    // ---- runs ----------------------------------------------------------------------------------

    private Response runs(Request request) {
        Optional<String> runbook = request.query("runbook").filter(s -> !s.isBlank());
        Optional<String> trigger = request.query("trigger").filter(s -> !s.isBlank());
        Optional<String> statusText = request.query("status").filter(s -> !s.isBlank());
        Optional<RunStatus> status = statusText.flatMap(s -> Arrays.stream(RunStatus.values()).filter(v -> v.label().equals(s)).findFirst());
        if (statusText.isPresent() && status.isEmpty()) {
            return error(request, 400, "Unknown status", "There is no status '" + statusText.get() + "'; choose one of "
                    + String.join(", ", Arrays.stream(RunStatus.values()).map(RunStatus::label).toList()) + ".");
        }
        List<RunView> recent = queries.list(RunQueries.Filter.latest(500));
        TreeSet<String> runbookIds = new TreeSet<>();
        operations.runbooks().forEach(r -> runbookIds.add(r.runbook().id()));
        recent.forEach(r -> runbookIds.add(r.runbookId()));
        TreeSet<String> triggers = new TreeSet<>(List.of("api", "cli", "event", "web"));
        recent.forEach(r -> triggers.add(r.trigger()));
        Map<String, Object> data = new HashMap<>();
        data.put("runs", queries.list(new RunQueries.Filter(runbook, status, trigger, 200)).stream().map(Views::row).toList());
        data.put("runbookIds", List.copyOf(runbookIds));
        data.put("statuses", Arrays.stream(RunStatus.values()).map(RunStatus::label).toList());
        data.put("triggers", List.copyOf(triggers));
        data.put("filter", Map.of("runbook", runbook.orElse(""), "status", statusText.orElse(""), "trigger", trigger.orElse("")));
        return page(200, "runs", request, data);
    }

    private Response run(Request request) {
        return runData(request).map(data -> page(200, "run", request, data))
                .orElseGet(() -> notFound(request, "No run " + request.param("id") + " in " + queries.describe() + "."));
    }

    /** The changing part of a run page, which the page's script fetches when the stream says the run moved. */
    private Response live(Request request) {
        return runData(request).map(data -> page(200, "run-live", request, data))
                .orElseGet(() -> notFound(request, "No run " + request.param("id") + "."));
    }

    private Optional<Map<String, Object>> runData(Request request) {
        Optional<RunQueries.Detail> run = queries.detail(request.param("id"));
        if (run.isEmpty()) {
            return Optional.empty();
        }
        List<RunEvent> events = run.get().events();
        LoadedRunbook loaded = run.get().runbook();
        RunResult result = run.get().result();
        RunState state = result.state();
        Map<String, Object> data = new HashMap<>();
        data.put("run", Views.summary(state));
        data.put("seen", state.status().label() + "-" + events.size());
        data.put("live", isLive(state.status()));
        data.put("graph", new RawString(GraphSvg.render(loaded.graph(), Views.statuses(state))));
        data.put("record", new RawString(operations.records().of(loaded.runbook(), events).htmlFragment()));
        data.put("waiting", Views.waiting(loaded.graph(), state, result.redactor()));
        data.put("event", Views.event(state, result.redactor()).orElse(null));
        data.put("audit", Views.audit(queries.audits(), run.get().run()));
        return Optional.of(data);
    }

    /** A waiting run is followed too: once someone answers, it goes on. */
    private static boolean isLive(RunStatus status) {
        return status == RunStatus.RUNNING || status == RunStatus.WAITING;
    }

    /**
     * Server-sent events for a run page: {@code update} whenever the run has a new event,
     * {@code end} once it has finished. The page fetches the new state itself; nothing of the run
     * travels in the stream.
     */
    private Response stream(Request request) {
        String runId = request.param("id");
        if (queries.run(runId).isEmpty()) {
            return notFound(request, "No run " + runId + ".");
        }
        return Response.events(events -> {
            Instant until = Instant.now().plus(STREAM_LIFETIME);
            Instant nextKeepAlive = Instant.now().plusSeconds(15);
            // //why: what the page was rendered from; an update for that would only redraw it (and lose what someone is typing)
            String last = request.query("seen").orElse("");
            while (Instant.now().isBefore(until)) {
                Optional<RunQueries.Progress> run = queries.progress(runId);
                if (run.isEmpty()) {
                    return;
                }
                String now = run.get().status().label() + "-" + run.get().events();
                if (!now.equals(last)) {
                    events.send("update", "{\"status\":\"" + run.get().status().label() + "\"}");
                    last = now;
                }
                if (!isLive(run.get().status())) {
                    events.send("end", "{\"status\":\"" + run.get().status().label() + "\"}");
                    return;
                }
                if (Instant.now().isAfter(nextKeepAlive)) {
                    events.keepAlive();
                    nextKeepAlive = Instant.now().plusSeconds(15);
                }
                Thread.sleep(POLL.toMillis());
            }
        });
    }

    private Response answer(Request request) {
        String runId = request.param("id");
        String step = request.param("step");
        Optional<String> answer = request.formValue("answer");
        if (answer.isEmpty() || !(answer.get().equals("approve") || answer.get().equals("reject"))) {
            return error(request, 400, "No answer", "The form must say answer=approve or answer=reject.");
        }
        try {
            operations.answer(runId, step, answer.get().equals("approve"), request.who().who(), request.formValue("comment").orElse(""));
            return Response.seeOther("/runs/" + URLEncoder.encode(runId, StandardCharsets.UTF_8));
        } catch (Approvals.Refused e) {
            return error(request, e.forbidden() ? 403 : 409, "Cannot answer", e.getMessage());
        }
    }

    // ---- pieces --------------------------------------------------------------------------------

    private static Map<String, String> form(Request request) {
        Map<String, String> form = new HashMap<>();
        request.form().forEach((name, values) -> {
            if (!values.isEmpty() && !name.equals(Server.CSRF_FIELD)) {
                form.put(name, values.get(0));
            }
        });
        return form;
    }

    private Response page(int status, String template, Request request, Map<String, Object> data) {
        Map<String, Object> all = new HashMap<>(data);
        Optional<Principal> who = request.principal();
        all.put("user", who.map(p -> Map.of("name", p.name(), "roles",
                String.join(", ", p.roles().stream().map(Role::label).sorted().toList()))).orElse(null));
        all.put("csrf", request.session().map(Sessions.Session::csrf).orElse(""));
        all.put("canLaunch", who.map(p -> p.may(Role.OPERATOR)).orElse(false));
        all.put("canApprove", who.map(p -> p.may(Role.APPROVER)).orElse(false));
        return Response.text(status, "text/html; charset=utf-8", pages.render(template, all));
    }

    private Response notFound(Request request, String detail) {
        return error(request, 404, "Not found", detail);
    }

    private Response error(Request request, int status, String title, String detail) {
        return page(status, "error", request, Map.of("title", title, "detail", detail));
    }

    private static final Map<String, String> ASSETS = Map.of(
            "opsbook.css", "text/css; charset=utf-8",
            "opsbook.js", "text/javascript; charset=utf-8");

    /** The stylesheet and the script, from the classpath: nothing is loaded from anywhere else. */
    private static Response asset(Request request) throws IOException {
        String file = request.param("file");
        String type = ASSETS.get(file);
        if (type == null) {
            return Response.text(404, "text/plain; charset=utf-8", "no such file: " + file);
        }
        try (InputStream in = WebPages.class.getClassLoader().getResourceAsStream("web/static/" + file)) {
            return new Response.Body(200, type, in.readAllBytes(), Map.of());
        }
    }
}
