package dev.opsbook.service;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.opsbook.access.AccessAudit;
import dev.opsbook.access.ApiTokens;
import dev.opsbook.access.Sessions;
import dev.opsbook.aws.AwsClients;
import dev.opsbook.aws.AwsInvoker;
import dev.opsbook.aws.AwsServices;
import dev.opsbook.aws.AwsSettings;
import dev.opsbook.engine.RunStatus;
import dev.opsbook.engine.StepExecutors;
import dev.opsbook.graph.RunbookLoader;
import dev.opsbook.http.Access;
import dev.opsbook.http.Response;
import dev.opsbook.http.Router;
import dev.opsbook.http.Server;
import dev.opsbook.metrics.Health;
import dev.opsbook.metrics.ServiceMetrics;
import dev.opsbook.runbook.Durations;
import dev.opsbook.steps.StandardSteps;
import dev.opsbook.store.RunStore;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * {@code opsbook serve}: events in (SQS, HTTP), runs out, every run durable in the store, waiting
 * runs resumed when a person answers. Runs started by events never ask anyone at a terminal:
 * their approvals and manual steps wait in the store for {@code opsbook approve}. This class only
 * assembles: it builds the parts ({@link RunPool}, {@link Heartbeat}, {@link Takeovers},
 * {@link Resumptions}, {@link LongWaits}, {@link Drain}, the dispatcher and intakes), starts and
 * stops them in order, and hands the API and web pages {@link RunOperations} and {@link RunQueries}.
 */
public final class Service implements AutoCloseable {

    public record Config(List<Path> runbookFolders, String host, int port, Optional<String> queueUrl, Path recordDir,
                         AwsSettings aws, int maxReceives, int maxConcurrentRuns, Path workingDirectory, Leasing leasing) {

        public Config(List<Path> runbookFolders, String host, int port, Optional<String> queueUrl, Path recordDir,
                      AwsSettings aws, int maxReceives, int maxConcurrentRuns, Path workingDirectory) {
            this(runbookFolders, host, port, queueUrl, recordDir, aws, maxReceives, maxConcurrentRuns, workingDirectory, Leasing.defaults());
        }
    }

    /**
     * How this instance holds its runs: its name, how long a lease lasts unless renewed (the
     * heartbeat renews every third of it), and the clock leases are measured by.
     */
    public record Leasing(String instance, Duration lease, Clock clock) {

        public Leasing {
            if (lease.compareTo(Duration.ofMillis(300)) < 0) {
                throw new IllegalArgumentException("a lease must last at least 300ms, not " + lease.toMillis() + "ms");
            }
        }

        public static Leasing defaults() {
            return new Leasing(defaultInstance(), Duration.ofSeconds(30), Clock.systemUTC());
        }

        /** host-pid: unique among live processes, and says where to look. */
        public static String defaultInstance() {
            return hostName() + "-" + ProcessHandle.current().pid();
        }

        static String hostName() {
            try {
                return java.net.InetAddress.getLocalHost().getHostName();
            } catch (java.io.IOException e) {
                return "localhost";
            }
        }
    }

    private final Config config;
    private final RunStore store;
    private final PrintStream log;
    private final String instance;
    private final AwsClients clients;
    private final RunbookFolders folders;
    private final TriggerMatcher matcher = new TriggerMatcher();
    private final ScheduledExecutorService ticks = Executors.newScheduledThreadPool(1, daemon("opsbook-ticks"));
    private final Dispatcher dispatcher;
    private final RunPool pool;
    private final Heartbeat leases;
    private final Takeovers takeovers;
    private final Resumptions resumptions;
    private final LongWaits longWaits;
    private final Drain drain;
    private EmbeddedQueue embedded;
    private SqsClient sqs;
    private SqsIntake intake;
    private final ApiTokens tokens;
    private final Sessions sessions;
    private final Router router = new Router();
    private volatile Server.Unauthenticated unauthenticated = Server.PROBLEM;
    private AccessAudit access;
    private Server http;
    private String queueUrl;
    private final ServiceMetrics metrics = new ServiceMetrics();
    private final Health health = new Health();
    private final RunOperations operations;
    private final RunQueries queries;

    public Service(Config config, RunStore store, RunbookLoader loader, PrintStream log) {
        this.config = config;
        this.store = store;
        this.log = log;
        Clock clock = config.leasing().clock();
        this.instance = config.leasing().instance();
        this.clients = new AwsClients(config.aws());
        StepExecutors executors = StandardSteps.with(clients);
        AwsInvoker invoker = new AwsInvoker(AwsServices.onClasspath(), clients);
        this.folders = new RunbookFolders(config.runbookFolders(), loader, log);
        RunRecords records = new RunRecords(store, loader);
        this.export = RecordExport.of(config.recordDir(), records, log)
                .withTrails((runId, dir) -> new RunAudits(store).export(runId, dir)).inBackground(exports);
        this.lagging = () -> records.unexported(20);
        this.pool = new RunPool(config, store, loader, executors, invoker, metrics, export, log);
        this.leases = new Heartbeat(config.leasing(), store, pool, log);
        this.takeovers = new Takeovers(config.leasing(), store, pool, log);
        this.resumptions = new Resumptions(config.leasing(), store, pool);
        EscalationSender escalations = new EscalationSender(invoker, log);
        this.longWaits = new LongWaits(store, loader, escalations, clock);
        this.drain = new Drain(pool, leases, instance, log);
        this.queries = new RunQueries(store, loader);
        this.dispatcher = new Dispatcher(matcher, store, pool::launch, escalations, clock, config.maxReceives(), instance,
                config.leasing().lease());
        dispatcher.observe(metrics);
        metrics.gauge("opsbook.runs.active", "Runs this instance is executing now", pool::size);
        metrics.gauge("opsbook.leases.held", "Leases on running runs the store says this instance holds", leases::held);
        metrics.gauge("opsbook.approvals.waiting", "Runs waiting for a person (approval or manual step), all instances",
                queries::waitingCount);
        health.readiness("store", () -> {
                    store.countRuns(RunStatus.RUNNING); // throws when the store does not answer
                    return store.describe();
                })
                .readiness("accepting events", () -> {
                    if (pool.draining()) {
                        throw new IllegalStateException("opsbook serve is draining");
                    }
                    return "";
                });
        this.tokens = new ApiTokens(store.tokens(), clock);
        this.sessions = new Sessions(tokens, clock);
        this.operations = new RunOperations(store, loader, folders::current, pool, pool::holds, executors, clock, export,
                config.workingDirectory());
        HttpIntake.addTo(router, body -> {
            if (pool.freeSlots() <= 0) {
                return new Dispatcher.Outcome(SqsIntake.Verdict.LATER, JsonNodeFactory.instance.objectNode().put("outcome", "busy")
                        .put("reason", pool.draining() ? "this instance is draining; send the event to another one, or to the queue"
                                : "this instance runs " + config.maxConcurrentRuns() + " runs already (--max-runs); try again, or send it to the queue"));
            }
            return dispatcher.handle("http", body, 1);
        });
        router.get("/q/health", Access.PUBLIC, request -> health(health.ready()))
                .get("/q/health/ready", Access.PUBLIC, request -> health(health.ready()))
                .get("/q/health/live", Access.PUBLIC, request -> health(health.live()))
                .get("/q/metrics", Access.PUBLIC, request -> Response.text(200, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape()));
    }

    private static Response health(Health.Answer answer) {
        return Response.json(answer.status(), answer.body());
    }

    /** Where the API and the web pages add their routes, before or after {@link #start}. */
    public Router router() {
        return router;
    }

    public Sessions sessions() {
        return sessions;
    }

    /** What a request without a principal gets (web pages send browsers to a login form); a 401 problem by default. */
    public void onUnauthenticated(Server.Unauthenticated answer) {
        this.unauthenticated = answer;
    }

    /** What the API does with runs: launch, cancel, resume from a step, answer. */
    public RunOperations operations() {
        return operations;
    }

    /** What the API and the web pages read about runs. */
    public RunQueries queries() {
        return queries;
    }

    public void start() throws IOException {
        leases.join();
        folders.scan(matcher::use);
        log.println("runbooks: " + folders.current().size() + " loaded from "
                + String.join(", ", config.runbookFolders().stream().map(Path::toString).toList()) + "; store: " + store.describe());
        log.println("instance: " + instance + " (leases of " + Durations.format(config.leasing().lease()) + ", at most " + config.maxConcurrentRuns()
                + " runs at once" + (store.multiInstance() ? "" : "; the embedded store serves this instance only") + ")");
        access = AccessAudit.in(store.auditChains(), instance, config.leasing().clock());
        //why: listening comes before the queue: a port that is taken must stop serve before it takes any event
        try {
            http = Server.start(config.host(), config.port(), router, tokens, sessions, access,
                    (method, path, accept, problem) -> unauthenticated.answer(method, path, accept, problem), log);
        } catch (IOException | RuntimeException e) {
            store.unregisterInstance(instance);
            throw new IllegalStateException(cannotListen(config.host(), config.port(), e));
        }
        leases.start();
        if (config.queueUrl().isPresent()) {
            queueUrl = config.queueUrl().get();
            var builder = SqsClient.builder();
            config.aws().region().ifPresent(r -> builder.region(software.amazon.awssdk.regions.Region.of(r)));
            // //why: the queue's own origin, not --endpoint-url: that one is for the steps' AWS calls (WireMock, a game-day
            // endpoint), and sending SQS there too made serve unable to consume a real queue while steps go elsewhere
            URI queue = URI.create(queueUrl);
            builder.endpointOverride(URI.create(queue.getScheme() + "://" + queue.getRawAuthority()));
            sqs = builder.build();
        } else {
            embedded = EmbeddedQueue.start(0, config.maxReceives());
            queueUrl = embedded.queueUrl();
            sqs = EmbeddedQueue.client(embedded.endpoint());
        }
        intake = new SqsIntake(sqs, queueUrl, (body, receives, id) -> dispatcher.handle("sqs", body, receives).verdict(), 2, pool::freeSlots);
        intake.observeLag(metrics::queueLag);
        health.readiness("queue", intake::check);
        intake.start();
        log.println("queue: " + queueUrl);
        log.println("http: http://" + config.host() + ":" + http.port());
        ticks.scheduleWithFixedDelay(this::tick, 500, 500, TimeUnit.MILLISECONDS);
    }

    /** One line: which address could not be listened on, why, and the option that chooses another. */
    static String cannotListen(String host, int port, Exception e) {
        String why = e instanceof java.net.BindException && String.valueOf(e.getMessage()).contains("in use")
                ? "the address is in use (another opsbook serve, or another program, listens there)"
                : String.valueOf(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        return "cannot listen on " + host + ":" + port + ": " + why + "; choose another port with --port N (0 picks a free one)"
                + " or another address with --host";
    }

    public String queueUrl() {
        return queueUrl;
    }

    public URI httpUrl() {
        return URI.create("http://" + config.host() + ":" + http.port());
    }

    private final AtomicInteger tickCount = new AtomicInteger();
    private final RecordExport export;
    private final java.util.concurrent.ExecutorService exports = Executors.newSingleThreadExecutor(daemon("opsbook-record-export"));
    private final java.util.function.Supplier<List<String>> lagging;

    private void tick() {
        try {
            folders.scan(matcher::use);
            if (!pool.isEmpty()) {
                Cancellations.pickUp(store, pool::control);
            }
            Cancellations.endWaiting(store, pool::holds, operations);
            takeovers.takeOverExpired();
            resumptions.resumeAnswered();
            // //why: every fourth tick (2 s): it reads and folds every waiting run's events, and a wait's timeout is a
            // matter of seconds at least, while answers and takeovers above should be taken up at once
            int tick = tickCount.incrementAndGet();
            if (tick % 4 == 1) {
                longWaits.escalateLongWaits();
            }
            if (tick % 10 == 2) {
                export.catchUp(lagging); // //why: every 5 s; files a killed instance did not write lag a stopped run, which nobody else would rewrite
            }
        } catch (RuntimeException e) {
            log.println("opsbook: " + e);
        }
    }

    /** Takes no more events, runs, takeovers or resumes: the ticks, the queue and the HTTP port stop first. */
    private void stopTaking() {
        ticks.shutdownNow();
        if (intake != null) {
            intake.close(); // //why: first, so an event being handled still gets its run (and its message deleted) before the drain
        }
        if (http != null) {
            http.close();
        }
    }

    /**
     * SIGTERM: stops taking events and runs (intake, takeovers, resumes), then hands the running
     * runs over ({@link Drain}).
     *
     * @return the runs let go
     */
    public List<String> drain(Duration grace) {
        stopTaking();
        return drain.handOver(grace);
    }

    /**
     * Stops as if the process died (tests of takeover): no heartbeat, no intake, and every run
     * stops here at once without a word more written; leases are not let go, they expire.
     */
    void abandon() {
        pool.stopTaking();
        leases.stop();
        stopTaking();
        pool.abandonAll(instance + " died");
    }

    /** An instance named host-pid (the default) of this host whose process is gone: serve was killed and is being restarted. */
    public String instance() {
        return instance;
    }

    /** Stops taking events, cancels running runs (recorded as cancelled), closes everything. {@link #drain} hands them over instead. */
    @Override
    public void close() {
        pool.stopTaking();
        stopTaking();
        pool.cancelAll("opsbook serve is stopping");
        exports.shutdown();
        leases.stop();
        leases.leave(true); // the store may be closed already; the row goes stale
        if (sqs != null) {
            sqs.close();
        }
        if (embedded != null) {
            embedded.close();
        }
        clients.close();
        if (access != null) {
            try {
                access.close();
            } catch (IOException e) {
                log.println("opsbook: cannot close the access audit: " + e.getMessage());
            }
        }
        health.close();
    }

    static java.util.concurrent.ThreadFactory daemon(String name) {
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        return r -> {
            Thread thread = new Thread(r, name + "-" + n.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
