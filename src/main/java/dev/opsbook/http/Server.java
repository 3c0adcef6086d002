package dev.opsbook.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.opsbook.access.AccessAudit;
import dev.opsbook.access.ApiTokens;
import dev.opsbook.access.Principal;
import dev.opsbook.access.Sessions;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The JDK's HTTP server in front of a {@link Router}. For each request: find the route (404, or
 * 405 with Allow), authenticate unless the route is public (a Bearer token, or a browser session
 * cookie; 401 otherwise), check the CSRF token of a session's unsafe request (403), check the
 * route's role (403), run the handler, and write every decision to the access audit. Every
 * response carries the {@link SecurityHeaders}. A handler's exception becomes a problem document;
 * an unexpected one a 500 whose detail points to the service log, which gets the exception.
 *
 * //why: the JDK's server, started only by serve: a Quarkus HTTP layer would start with every CLI
 * command and cost each of them most of a second.
 */
public final class Server implements AutoCloseable {

    /** The header a script sends the session's CSRF token in; forms send it as {@value #CSRF_FIELD}. */
    public static final String CSRF_HEADER = "X-CSRF-Token";
    public static final String CSRF_FIELD = "_csrf";

    /** The longest request target (path and query, as sent) answered; a longer one is refused with 414. */
    public static final int MAX_TARGET = 8192;

    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");

    /** What to answer a request that needs a principal and has none (web pages redirect to a login form). */
    public interface Unauthenticated {
        Response answer(String method, String path, Optional<String> accept, Problem problem);
    }

    private final HttpServer server;
    private final ThreadPoolExecutor threads;

    private Server(HttpServer server, ThreadPoolExecutor threads) {
        this.server = server;
        this.threads = threads;
    }

    /**
     * @param log where unexpected handler failures go (never a request's headers: they hold tokens)
     */
    public static Server start(String host, int port, Router router, ApiTokens tokens, Sessions sessions, AccessAudit audit,
                               Unauthenticated unauthenticated, PrintStream log) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 64);
        AtomicInteger n = new AtomicInteger();
        // //why: a stream (server-sent events) holds its thread while it is open: room for many, threads made as needed
        ThreadPoolExecutor threads = new ThreadPoolExecutor(64, 64, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread thread = new Thread(r, "opsbook-http-" + n.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        threads.allowCoreThreadTimeOut(true);
        server.setExecutor(threads);
        Dispatch dispatch = new Dispatch(router, tokens, sessions, audit, unauthenticated, log);
        server.createContext("/", exchange -> {
            try {
                dispatch.handle(exchange);
            } catch (IOException | RuntimeException e) {
                // the client went away mid-answer; nothing left to tell it
            } finally {
                exchange.close();
            }
        });
        server.start();
        return new Server(server, threads);
    }

    /** A 401 problem for APIs and scripts. */
    public static final Unauthenticated PROBLEM = (method, path, accept, problem) -> Response.problem(problem, path)
            .with("WWW-Authenticate", "Bearer realm=\"opsbook\"");

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }

    private record Dispatch(Router router, ApiTokens tokens, Sessions sessions, AccessAudit audit, Unauthenticated unauthenticated,
                            PrintStream log) {

        void handle(HttpExchange exchange) throws IOException {
            String method = exchange.getRequestMethod();
            String rawPath = exchange.getRequestURI().getRawPath();
            String rawQuery = exchange.getRequestURI().getRawQuery();
            int targetLength = rawPath.length() + (rawQuery == null ? 0 : rawQuery.length() + 1);
            if (targetLength > MAX_TARGET) {
                // //why: no instance member: the problem would echo what was refused for its length
                send(exchange, Response.problem(new Problem(414, "URI too long", "the request's path and query are "
                        + targetLength + " characters long, longer than " + MAX_TARGET + "; send parameters in a JSON body"), null));
                return;
            }
            Optional<Router.Match> match = router.match(method, rawPath);
            if (match.isEmpty()) {
                List<String> allowed = router.methodsAt(rawPath);
                if (allowed.isEmpty()) {
                    send(exchange, Response.problem(Problem.notFound(method + " " + rawPath
                            + " is not served; the API is described at /q/openapi"), rawPath));
                } else {
                    send(exchange, Response.problem(new Problem(405, "Method not allowed", rawPath + " answers "
                            + String.join(", ", allowed) + ", not " + method), rawPath).with("Allow", String.join(", ", allowed)));
                }
                return;
            }
            Router.Route route = match.get().route();
            byte[] body = readBody(exchange);
            if (body == null) {
                send(exchange, Response.problem(new Problem(413, "Body too large", "the body is larger than "
                        + Request.MAX_BODY + " bytes"), rawPath));
                return;
            }
            Map<String, List<String>> query = Request.parseQuery(rawQuery);
            Request bare = new Request(method, rawPath, route.name(), match.get().params(), query, exchange.getRequestHeaders(), body,
                    Optional.empty(), Optional.empty());
            if (route.access() instanceof Access.Public) {
                respond(exchange, bare, route, Optional.empty());
                return;
            }
            Optional<String> authorization = bare.header("Authorization");
            Optional<Principal> principal = Optional.empty();
            Optional<Sessions.Session> session = Optional.empty();
            String failure;
            if (authorization.isPresent()) {
                String value = authorization.get().strip();
                if (value.regionMatches(true, 0, "Bearer ", 0, 7)) {
                    principal = tokens.authenticate(value.substring(7).strip());
                    failure = "the Bearer token is unknown or revoked; create one with opsbook token create --role ROLE";
                } else {
                    failure = "the Authorization header is not 'Bearer TOKEN'; send Authorization: Bearer <token from opsbook token create>";
                }
            } else {
                session = bare.cookie(Sessions.COOKIE).flatMap(sessions::find);
                principal = session.map(Sessions.Session::principal);
                failure = bare.cookie(Sessions.COOKIE).isPresent()
                        ? "the session has ended; log in again with a token"
                        : "this route needs a token: send Authorization: Bearer <token>; create one with opsbook token create --role ROLE";
            }
            if (principal.isEmpty()) {
                audit.record(new AccessAudit.Decision(false, 401, Optional.empty(), method, rawPath, route.name(), failure));
                send(exchange, unauthenticated.answer(method, rawPath, bare.header("Accept"), Problem.unauthorized(failure)));
                return;
            }
            if (session.isPresent() && !SAFE_METHODS.contains(method)) {
                String presented = bare.header(CSRF_HEADER).orElseGet(() -> isForm(bare) ? bare.formValue(CSRF_FIELD).orElse(null) : null);
                if (!Sessions.csrfMatches(session.get(), presented)) {
                    String reason = "the request came with a browser session but without its CSRF token (" + CSRF_FIELD
                            + " form field or " + CSRF_HEADER + " header); reload the page and try again";
                    audit.record(new AccessAudit.Decision(false, 403, principal, method, rawPath, route.name(), reason));
                    send(exchange, Response.problem(Problem.forbidden(reason), rawPath));
                    return;
                }
            }
            Access.Needs needs = (Access.Needs) route.access();
            if (!principal.get().may(needs.role())) {
                String reason = "token " + principal.get().tokenId() + " (" + principal.get().name() + ") has the role(s) "
                        + String.join(", ", principal.get().roles().stream().map(r -> r.label()).sorted().toList())
                        + "; " + route.name() + " needs " + needs.role().label();
                audit.record(new AccessAudit.Decision(false, 403, principal, method, rawPath, route.name(), reason));
                send(exchange, Response.problem(Problem.forbidden(reason + "; ask for a token with that role"), rawPath));
                return;
            }
            Request request = new Request(method, rawPath, route.name(), match.get().params(), query, exchange.getRequestHeaders(), body,
                    principal, session);
            respond(exchange, request, route, principal);
        }

        private void respond(HttpExchange exchange, Request request, Router.Route route, Optional<Principal> principal) throws IOException {
            Response response;
            String refusal = null;
            try {
                response = route.handler().handle(request);
            } catch (ProblemException e) {
                if (e.problem().status() == 403) {
                    refusal = e.problem().detail();
                }
                var json = e.problem().toJson(request.path());
                e.extra().ifPresent(json::setAll);
                response = new Response.Body(e.problem().status(), Problem.MEDIA_TYPE,
                        json.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8), Map.of());
            } catch (Exception e) {
                log.println("opsbook: " + route.name() + " failed: " + e);
                response = Response.problem(new Problem(500, "Internal error", "the service failed to answer " + route.name()
                        + "; its log says why"), request.path());
            }
            if (principal.isPresent()) {
                // //why: a handler that refuses this principal (an approver not listed) is a denial, kept with its reason
                boolean denied = response.status() == 403;
                audit.record(new AccessAudit.Decision(!denied, response.status(), principal, request.method(), request.path(), route.name(),
                        denied ? (refusal != null ? refusal : route.name() + " refused this principal")
                                : "role " + ((Access.Needs) route.access()).role().label()));
            }
            send(exchange, response);
        }

        private static boolean isForm(Request request) {
            return request.header("Content-Type").map(t -> t.startsWith("application/x-www-form-urlencoded")).orElse(false);
        }

        /** The body, or null when it is larger than allowed. */
        private static byte[] readBody(HttpExchange exchange) throws IOException {
            try (InputStream in = exchange.getRequestBody()) {
                byte[] bytes = in.readNBytes(Request.MAX_BODY + 1);
                return bytes.length > Request.MAX_BODY ? null : bytes;
            }
        }

        private static void send(HttpExchange exchange, Response response) throws IOException {
            var headers = exchange.getResponseHeaders();
            response.headers().forEach(headers::set);
            SecurityHeaders.addTo(headers);
            if (response instanceof Response.Body body) {
                if (!body.contentType().isEmpty()) {
                    headers.set("Content-Type", body.contentType());
                }
                boolean empty = body.bytes().length == 0;
                exchange.sendResponseHeaders(body.status(), empty ? -1 : body.bytes().length);
                if (!empty) {
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(body.bytes());
                    }
                }
            } else if (response instanceof Response.Stream stream) {
                headers.set("Content-Type", stream.contentType());
                exchange.sendResponseHeaders(200, 0); // chunked: as long as the stream lasts
                try (OutputStream out = exchange.getResponseBody()) {
                    stream.writer().write(new EventStream(out));
                } catch (IOException e) {
                    // the client closed the stream
                } catch (Exception e) {
                    // a stream cannot turn into a problem once it started; it ends
                }
            }
        }
    }
}
