package dev.opsbook.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsbook.access.AccessAudit;
import dev.opsbook.access.ApiTokens;
import dev.opsbook.access.Sessions;
import dev.opsbook.aws.AwsClients;
import dev.opsbook.aws.AwsInvoker;
import dev.opsbook.aws.AwsSecrets;
import dev.opsbook.aws.AwsServices;
import dev.opsbook.aws.AwsSettings;
import dev.opsbook.engine.Engine;
import dev.opsbook.engine.Interaction;
import dev.opsbook.engine.RunControl;
import dev.opsbook.engine.RunEvent;
import dev.opsbook.engine.RunIds;
import dev.opsbook.engine.RunListener;
import dev.opsbook.engine.RunRequest;
import dev.opsbook.engine.RunResult;
import dev.opsbook.engine.RunState;
import dev.opsbook.engine.RunStatus;
import dev.opsbook.engine.StepExecutors;
import dev.opsbook.graph.LoadedRunbook;
import dev.opsbook.http.Access;
import dev.opsbook.http.Response;
import dev.opsbook.http.Router;
import dev.opsbook.http.Server;
import dev.opsbook.graph.RunbookLoader;
import dev.opsbook.runbook.Escalation;
import dev.opsbook.runbook.Runbook;
import dev.opsbook.steps.Notifier;
import dev.opsbook.steps.StandardSteps;
import dev.opsbook.store.RunQuery;
import dev.opsbook.store.RunStore;
import dev.opsbook.store.StoredRun;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import dev.opsbook.runbook.Durations;
import dev.opsbook.store.EngineInstance;
import dev.opsbook.store.Lease;
import dev.opsbook.store.LeaseLost;
import dev.opsbook.store.Takeover;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * {@code opsbook serve}: events in (SQS, HTTP), runs out, every run durable in the store, waiting
 * runs resumed when a person answers. Runs started by events never ask anyone at a terminal:
 * their approvals and manual steps wait in the store for {@code opsbook approve}.
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

    /** A run executing here: what stops it writing, and what stops it running. */
    private record Held(String runbookId, StoringListener storing, RunControl control) {
    }

    private final Config config;
    private final RunStore store;
    private final RunbookLoader loader;
    private final PrintStream log;
    private final Clock clock;
    private final String instance;
    /** This instance and its process, as the store keeps it. */
    private final EngineInstance self;
    private final Duration leaseTime;
    private final AwsClients clients;
    private final StepExecutors executors;
    private final AwsInvoker invoker;
    private final RunbookFolders folders;
    private final TriggerMatcher matcher = new TriggerMatcher();
    private final ExecutorService runs = Executors.newCachedThreadPool(daemon("opsbook-run"));
    private final ScheduledExecutorService ticks = Executors.newScheduledThreadPool(1, daemon("opsbook-ticks"));
    private volatile java.util.Set<String> orphans = java.util.Set.of();
    private final ScheduledExecutorService heartbeat = Executors.newScheduledThreadPool(1, daemon("opsbook-heartbeat"));
    private final Dispatcher dispatcher;
    private final java.util.Set<String> escalated = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Every run executing here, by id; its size is what --max-runs bounds. */
    private final Map<String, Held> held = new ConcurrentHashMap<>();
    /** How many leases the store said this instance holds at its last heartbeat (orphans included). */
    private volatile int leasesHeld;
    private volatile boolean draining;
    private volatile Instant lastRenewed;
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
    private final dev.opsbook.metrics.ServiceMetrics metrics = new dev.opsbook.metrics.ServiceMetrics();
    private final dev.opsbook.metrics.Health health = new dev.opsbook.metrics.Health();
    private final RunOperations operations;
    private final RecordExport export;

    public Service(Config config, RunStore store, RunbookLoader loader, PrintStream log) {
        this.config = config;
        this.store = store;
        this.loader = loader;
        this.log = log;
        this.clock = config.leasing().clock();
        this.instance = config.leasing().instance();
        this.self = new EngineInstance(instance, Leasing.hostName(), ProcessHandle.current().pid());
        this.leaseTime = config.leasing().lease();
        this.clients = new AwsClients(config.aws());
        this.executors = StandardSteps.with(clients);
        this.invoker = new AwsInvoker(AwsServices.onClasspath(), clients);
        this.folders = new RunbookFolders(config.runbookFolders(), loader, log);
        this.dispatcher = new Dispatcher(matcher, store, this::launch, this::escalate, clock, config.maxReceives(), instance, leaseTime);
        dispatcher.observe(metrics);
        metrics.gauge("opsbook.runs.active", "Runs this instance is executing now", held::size);
        metrics.gauge("opsbook.leases.held", "Leases on running runs the store says this instance holds", () -> leasesHeld);
        metrics.gauge("opsbook.approvals.waiting", "Runs waiting for a person (approval or manual step), all instances",
                () -> waitingRuns());
        health.readiness("store", () -> {
                    store.countRuns(RunStatus.RUNNING); // throws when the store does not answer
                    return store.describe();
                })
                .readiness("accepting events", () -> {
                    if (draining) {
                        throw new IllegalStateException("opsbook serve is draining");
                    }
                    return "";
                });
        this.tokens = new ApiTokens(store.tokens(), clock);
        this.sessions = new Sessions(tokens, clock);
        this.export = RecordExport.of(config.recordDir(), new RunRecords(store, loader), log)
                .withTrails((runId, dir) -> new RunAudits(store).export(runId, dir));
        this.operations = newOperations();
        HttpIntake.addTo(router, body -> {
            if (freeSlots() <= 0) {
                return new Dispatcher.Outcome(SqsIntake.Verdict.LATER, JsonNodeFactory.instance.objectNode().put("outcome", "busy")
                        .put("reason", draining ? "this instance is draining; send the event to another one, or to the queue"
                                : "this instance runs " + config.maxConcurrentRuns() + " runs already (--max-runs); try again, or send it to the queue"));
            }
            return dispatcher.handle("http", body, 1);
        });
        router.get("/q/health", Access.PUBLIC, request -> health(health.ready()))
                .get("/q/health/ready", Access.PUBLIC, request -> health(health.ready()))
                .get("/q/health/live", Access.PUBLIC, request -> health(health.live()))
                .get("/q/metrics", Access.PUBLIC, request -> Response.text(200, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape()));
    }

    private static Response health(dev.opsbook.metrics.Health.Answer answer) {
        return Response.json(answer.status(), answer.body());
    }

    // //why: cached: Prometheus scrapes often and a count over the runs table is not free
    private volatile long waitingCount;
    private volatile long waitingCountedAt;

    private long waitingRuns() {
        long now = System.currentTimeMillis();
        if (now - waitingCountedAt > 5_000) {
            try {
                waitingCount = store.countRuns(RunStatus.WAITING);
                waitingCountedAt = now;
            } catch (RuntimeException e) {
                return waitingCount;
            }
        }
        return waitingCount;
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

    private RunOperations newOperations() {
        return new RunOperations(store, loader, folders::current, new RunOperations.Executions() {
            @Override
            public int room() {
                return freeSlots();
            }

            @Override
            public Optional<Lease> lease() {
                return Optional.of(newLease());
            }

            @Override
            public void execute(String runId, LoadedRunbook runbook, RunRequest request, Optional<List<RunEvent>> history, StoringListener storing) {
                if (history.isEmpty()) {
                    Service.this.execute(runId, runbook, storing, false, (engine, listeners, control) -> engine.run(request, listeners, control), List.of());
                } else {
                    List<RunEvent> events = history.get();
                    Service.this.execute(runId, runbook, storing, true,
                            (engine, listeners, control) -> engine.resume(request, events, request.startedBy(), listeners, control), events);
                }
            }
        }, held::containsKey, executors, clock, export, config.workingDirectory());
    }

    public void start() throws IOException {
        Instant now = clock.instant();
        List<String> others = new ArrayList<>();
        for (EngineInstance other : store.registerInstance(self, now, now.minus(leaseTime))) {
            // //why: an instance killed on this host (kill -9) looks alive for a lease; its process says at once that it is gone.
            // Only on the embedded store: instances sharing PostgreSQL may run in containers of one host name, each with
            // its own pids, where another's pid says nothing here
            if (!store.multiInstance() && other.goneFrom(self.host(), pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))) {
                store.renewLeases(other.name(), Instant.EPOCH); // its leases expire now: its runs are taken over at the first tick
                store.unregisterInstance(other.name());
                log.println("instance " + other.name() + " (pid " + other.pid() + " on this host) is gone; its runs are taken over now");
            } else {
                others.add(other.name());
            }
        }
        if (!store.multiInstance() && !others.isEmpty()) {
            store.unregisterInstance(instance);
            throw new IllegalStateException("another opsbook serve (" + String.join(", ", others) + ") is using " + store.describe()
                    + ", which serves one instance; stop it, or give every instance one PostgreSQL store: --store jdbc:postgresql://HOST/DB");
        }
        lastRenewed = now;
        folders.scan(matcher::use);
        log.println("runbooks: " + folders.current().size() + " loaded from "
                + String.join(", ", config.runbookFolders().stream().map(Path::toString).toList()) + "; store: " + store.describe());
        log.println("instance: " + instance + " (leases of " + Durations.format(leaseTime) + ", at most " + config.maxConcurrentRuns()
                + " runs at once" + (store.multiInstance() ? "" : "; the embedded store serves this instance only") + ")");
        access = AccessAudit.in(store.auditChains(), instance, clock);
        //why: listening comes before the queue: a port that is taken must stop serve before it takes any event
        try {
            http = Server.start(config.host(), config.port(), router, tokens, sessions, access,
                    (method, path, accept, problem) -> unauthenticated.answer(method, path, accept, problem), log);
        } catch (IOException | RuntimeException e) {
            store.unregisterInstance(instance);
            throw new IllegalStateException(cannotListen(config.host(), config.port(), e));
        }
        long beat = Math.max(100, leaseTime.toMillis() / 3);
        heartbeat.scheduleWithFixedDelay(this::heartbeat, beat, beat, TimeUnit.MILLISECONDS);
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
        intake = new SqsIntake(sqs, queueUrl, (body, receives, id) -> dispatcher.handle("sqs", body, receives).verdict(), 2, this::freeSlots);
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

    private void tick() {
        try {
            folders.scan(matcher::use);
            if (!held.isEmpty()) {
                Cancellations.pickUp(store, runId -> Optional.ofNullable(held.get(runId)).map(Held::control));
            }
            Cancellations.endWaiting(store, held::containsKey, operations);
            takeOverExpired();
            resumeAnswered();
            // //why: every fourth tick (2 s): it reads and folds every waiting run's events, and a wait's timeout is a
            // matter of seconds at least, while answers and takeovers above should be taken up at once
            if (tickCount.incrementAndGet() % 4 == 1) {
                escalateLongWaits();
            }
        } catch (RuntimeException e) {
            log.println("opsbook: " + e);
        }
    }

    // ---- runs ----------------------------------------------------------------------------------

    /** How many more runs this instance takes on now: none while draining. */
    private int freeSlots() {
        return draining ? 0 : config.maxConcurrentRuns() - held.size();
    }

    private Lease newLease() {
        return new Lease(instance, clock.instant().plus(leaseTime));
    }

    private String launch(LoadedRunbook runbook, ObjectNode params, JsonNode event, String eventId, Optional<String> key) throws Exception {
        String runId = RunIds.from(clock).get();
        StoringListener storing = StoringListener.forNewRun(store, runbook.runbook(), Optional.of(eventId), key, Optional.of(newLease()));
        RunRequest request = new RunRequest(runbook, Dispatcher.asTexts(params), "event " + eventId, "event", Interaction.NOBODY,
                Optional.empty(), config.workingDirectory(), Optional.of(event));
        execute(runId, runbook, storing, false, (engine, listeners, control) -> engine.run(request, listeners, control), List.of());
        if (!storing.awaitCreated(30_000)) {
            throw new IllegalStateException("the run was not stored within 30 s");
        }
        return runId;
    }

    private interface Body {
        RunResult run(Engine engine, RunListener listeners, RunControl control) throws Exception;
    }

    /**
     * Runs a run on a thread of its own, held by this instance. //why: one place decides what
     * becomes of a run that ends here: finished (its record is written), suspended by a drain (its
     * lease is let go, so another instance goes on with it at once), or lost (nothing more is written).
     */
    private void execute(String runId, LoadedRunbook runbook, StoringListener storing, boolean continuing, Body body, List<RunEvent> history) {
        RunControl control = new RunControl();
        held.put(runId, new Held(runbook.runbook().id(), storing, control));
        runs.submit(() -> {
            try (Engine engine = new Engine(executors, clock, () -> runId, new AwsSecrets(invoker, "opsbook-" + runId))) {
                RunResult result = body.run(engine, both(storing, runbook.runbook()), control);
                if (result.state().status() == RunStatus.RUNNING) {
                    storing.fence("let go while draining");
                    store.releaseLease(runId, instance);
                    log.println("run " + runId + " of " + runbook.runbook().id() + " let go after its running steps ended (draining);"
                            + " another instance goes on with it");
                }
                export.write(runId);
            } catch (LeaseLost e) {
                log.println("run " + runId + " of " + runbook.runbook().id() + " stopped here: " + e.getMessage());
            } catch (Exception e) {
                if (storeFailure(e)) {
                    // //why: the store going away is no verdict on the run: stop writing, and let its lease lapse so that an
                    // instance (this one, maybe) takes it over once the store is back, with the rule for the step in flight
                    storing.fence("the store failed");
                    log.println("run " + runId + " of " + runbook.runbook().id() + " stopped here: the store failed (" + e.getMessage()
                            + "); it is taken over when the store answers again");
                    return;
                }
                log.println("opsbook: run " + runId + " of " + runbook.runbook().id() + " failed to run: " + e);
                giveUp(runId, storing, e);
            } finally {
                held.remove(runId);
            }
        });
    }

    private static boolean storeFailure(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof dev.opsbook.store.StoreException) {
                return true;
            }
        }
        return false;
    }

    /** A run that cannot go on here (its runbook no longer loads, say) ends failed rather than being held, and taken over, forever. */
    private void giveUp(String runId, StoringListener storing, Exception cause) {
        if (storing.lastSeq() == 0) {
            return; // never stored
        }
        try {
            Optional<StoredRun> row = store.run(runId);
            if (row.isPresent() && row.get().status() == RunStatus.RUNNING && store.lease(runId).map(l -> l.owner().equals(instance)).orElse(false)) {
                store.append(runId, store.events(runId).size() + 1, new RunEvent.RunFinished(clock.instant(), RunStatus.FAILED,
                        "opsbook could not go on with the run: " + cause.getMessage()), Optional.of(instance), Optional.empty());
            }
        } catch (RuntimeException e) {
            log.println("opsbook: run " + runId + " could not be marked failed: " + e.getMessage());
        }
    }

    /**
     * Takes over running runs whose instance stopped (their lease expired), while there is room:
     * each is folded from its events and goes on after its last completed step; a step that was in
     * flight runs again only when that is safe, else the run needs attention.
     */
    private void takeOverExpired() {
        while (freeSlots() > 0) {
            Instant now = clock.instant();
            Optional<Takeover> taken = store.takeOverExpired(instance, now, now.plus(leaseTime));
            if (taken.isEmpty()) {
                return;
            }
            StoredRun run = taken.get().run();
            String from = taken.get().from();
            log.println("run " + run.id() + " of " + run.runbookId() + " taken over from " + from);
            List<RunEvent> history = store.events(run.id());
            goOn(run, history, List.of(), request -> (engine, listeners, control) ->
                    engine.takeOver(request, history, instance, from, listeners, control));
        }
    }

    /** Takes up every waiting run a person answered (and every run a person resolved); the run's next event claims it, so two services never both resume it. */
    private void resumeAnswered() {
        // //why: the answered runs, not the newest waiting ones: with more than a page of runs waiting, an older one answered was never taken up
        for (StoredRun run : store.answeredRuns(100)) {
            if (freeSlots() <= 0) {
                return;
            }
            List<RunEvent> events = store.events(run.id());
            if (!Approvals.resumable(events)) {
                continue;
            }
            Optional<List<RunEvent>> claimed = Approvals.claim(store, run.id(), events,
                    new RunEvent.RunResumed(clock.instant(), "opsbook serve (" + instance + ")"), Optional.of(newLease()));
            if (claimed.isEmpty()) {
                continue; // another process took it up
            }
            List<RunEvent> history = claimed.get();
            goOn(run, history, history, request -> (engine, listeners, control) ->
                    engine.resume(request, history, "opsbook serve", listeners, control));
        }
    }

    /**
     * Goes on here with a stored run this instance now holds, from its {@code history}, with the runbook text it started
     * with; {@code told} is what its trail still has to hear (answers).
     */
    private void goOn(StoredRun run, List<RunEvent> history, List<RunEvent> told, java.util.function.Function<RunRequest, Body> body) {
        LoadedRunbook runbook = loader.load(run.runbookFile(), store.runbookText(run.id()).orElse(""));
        RunRequest request = new RunRequest(runbook, java.util.Map.of(), run.startedBy(), run.trigger(), Interaction.NOBODY,
                Optional.empty(), config.workingDirectory());
        execute(run.id(), runbook, StoringListener.continuing(store, history.size(), Optional.of(instance)), true, body.apply(request), told);
    }

    /**
     * Renews this instance's leases. A run it executes whose lease is gone (another instance took
     * it over) stops here at once, writing nothing more; so does every run when the store could
     * not be reached for a whole lease, since others may have taken them over meanwhile.
     */
    private void heartbeat() {
        Instant now = clock.instant();
        Map<String, Held> before = new java.util.HashMap<>(held);
        try {
            java.util.Set<String> kept = store.renewLeases(instance, now.plus(leaseTime));
            store.registerInstance(self, now, now.minus(leaseTime));
            lastRenewed = now;
            leasesHeld = kept.size();
            releaseOrphans(kept);
            before.forEach((runId, run) -> {
                if (!kept.contains(runId) && held.containsKey(runId)) {
                    Optional<Lease> lease = store.lease(runId);
                    Optional<StoredRun> row = store.run(runId);
                    if (row.isPresent() && row.get().status() == RunStatus.RUNNING && lease.isPresent() && !lease.get().owner().equals(instance)) {
                        lose(runId, run, "its lease was taken over by " + lease.get().owner());
                    }
                }
            });
        } catch (RuntimeException e) {
            log.println("opsbook: cannot renew the leases of " + instance + ": " + e.getMessage());
            if (Duration.between(lastRenewed, now).compareTo(leaseTime) >= 0) {
                before.forEach((runId, run) -> lose(runId, run, "its lease could not be renewed for " + Durations.format(leaseTime)
                        + ", so another instance may have taken it over"));
            }
        }
    }

    /**
     * Lets go of leases in this instance's name on runs it does not execute: left by an earlier
     * process with the same {@code --instance} (killed, then restarted), or a run whose thread died
     * on a store error. Renewing them would keep them from every other instance for as long as this
     * one lives. //why: two beats in a row, so a run being launched (leased, not yet in held) is not let go.
     */
    private void releaseOrphans(java.util.Set<String> kept) {
        java.util.Set<String> unheld = new java.util.HashSet<>(kept);
        unheld.removeAll(held.keySet());
        java.util.Set<String> released = new java.util.HashSet<>();
        for (String runId : unheld) {
            if (orphans.contains(runId) && store.releaseLease(runId, instance)) {
                log.println("run " + runId + " is leased to " + instance + " but not running here; its lease is let go");
                released.add(runId);
            }
        }
        // //why: a released run is no longer ours; if this instance takes it over again, it gets two beats of grace again
        // (a takeover holds the lease a moment before the run is executing here)
        unheld.removeAll(released);
        orphans = unheld;
    }

    private void lose(String runId, Held run, String why) {
        log.println("run " + runId + " of " + run.runbookId() + " stops here: " + why);
        run.storing().fence(instance + " lost the run: " + why);
        run.control().cancel(why);
    }

    /** Waiting steps with a {@code timeout} that passed tell the runbook's escalation, once per step. */
    private void escalateLongWaits() {
        for (StoredRun run : store.runs(new RunQuery(Optional.empty(), Optional.of(RunStatus.WAITING), Optional.empty(), 100))) {
            List<RunEvent> events = store.events(run.id());
            var state = RunState.fold(events);
            LoadedRunbook runbook = null;
            for (var waiting : state.executions().values()) {
                if (waiting.status() != dev.opsbook.engine.StepStatus.WAITING || waiting.answer().isPresent()
                        || waiting.startedAt().isEmpty() || escalated.contains(run.id() + "/" + waiting.key())) {
                    continue;
                }
                if (runbook == null) {
                    runbook = loader.load(run.runbookFile(), store.runbookText(run.id()).orElse(""));
                }
                var step = runbook.runbook().step(waiting.stepId());
                if (step.isEmpty() || step.get().timeout().isEmpty()
                        || waiting.startedAt().get().plus(step.get().timeout().get()).isAfter(clock.instant())) {
                    continue;
                }
                escalated.add(run.id() + "/" + waiting.key());
                if (!store.escalateOnce("wait:" + run.id() + "/" + waiting.key(), clock.instant(), Instant.EPOCH)) {
                    continue; // another instance (or this one before a restart) told people already
                }
                escalate(runbook.runbook(), "step '" + waiting.stepId() + "' of run " + run.id() + " has waited for a person longer than "
                        + dev.opsbook.runbook.Durations.format(step.get().timeout().get()) + "; answer it with opsbook approve " + run.id() + " "
                        + waiting.stepId(), com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().put("run", run.id()));
            }
        }
    }

    private RunListener both(RunListener storing, Runbook runbook) {
        RunListener counting = metrics.listener(runbook);
        return (event, state) -> {
            storing.on(event, state);
            export.on(event, state);
            counting.on(event, state);
            if (event instanceof RunEvent.RunStarted started) {
                log.println("run " + started.runId() + " of " + runbook.id() + " started by " + started.startedBy());
            } else if (event instanceof RunEvent.RunResumed) {
                log.println("run " + state.runId() + " of " + runbook.id() + " resumed");
            } else if (event instanceof RunEvent.RunFinished finished && finished.status() == RunStatus.NEEDS_ATTENTION) {
                log.println("run " + state.runId() + " of " + runbook.id() + " needs attention: " + finished.message());
            } else if (event instanceof RunEvent.RunFinished finished) {
                log.println("run " + state.runId() + " of " + runbook.id() + " " + finished.status().label()
                        + (finished.message().isEmpty() ? "" : ": " + finished.message()));
            }
        };
    }

    private void escalate(Runbook runbook, String reason, JsonNode event) {
        Optional<Escalation> escalation = runbook.escalation();
        String subject = reason.startsWith("step '") ? "opsbook: " + runbook.id() + " waits for a person" : "opsbook: " + runbook.id() + " did not run";
        log.println(subject + ": " + reason + (escalation.isEmpty() ? " (no escalation in its front matter)" : "; escalating"));
        if (escalation.isEmpty()) {
            return;
        }
        try {
            Notifier.Sent sent = new Notifier(invoker).send(new Notifier.Target(escalation.get().sns(), escalation.get().webhook()), subject,
                    reason + "\nOwner: " + runbook.owner() + "\nEvent: " + event.path("id").asText(), event,
                    "opsbook-escalation-" + runbook.id(), call -> { });
            sent.failures().forEach(f -> log.println("opsbook: escalation of " + runbook.id() + " failed: " + f));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * SIGTERM: stops taking events and runs (intake, takeovers, resumes), lets each running run
     * finish the steps it is running but start no more, for at most {@code grace}; then a run
     * still going is stopped here without a word more written, and every lease this instance held
     * is let go, so another instance takes those runs over at once.
     *
     * @return the runs let go
     */
    public List<String> drain(Duration grace) {
        ticks.shutdownNow();
        if (intake != null) {
            intake.close(); // //why: first, so an event being handled still gets its run (and its message deleted) before the drain
        }
        if (http != null) {
            http.close();
        }
        draining = true;
        log.println("opsbook: draining " + instance + ": " + held.size() + " run(s) finish their running steps, for at most "
                + Durations.format(grace));
        log.flush();
        held.values().forEach(run -> run.control().suspend());
        long deadline = System.nanoTime() + grace.toNanos();
        while (!held.isEmpty() && System.nanoTime() < deadline) {
            sleep(20);
        }
        List<String> left = new ArrayList<>(held.keySet());
        new java.util.HashMap<>(held).forEach((runId, run) -> lose(runId, run, "the drain's grace period of " + Durations.format(grace) + " passed"));
        long stopped = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!held.isEmpty() && System.nanoTime() < stopped) {
            sleep(20);
        }
        left.forEach(runId -> store.releaseLease(runId, instance));
        heartbeat.shutdownNow();
        try {
            store.unregisterInstance(instance);
        } catch (RuntimeException e) {
            log.println("opsbook: " + e.getMessage());
        }
        return left;
    }

    /**
     * Stops as if the process died (tests of takeover): no heartbeat, no intake, and every run
     * stops here at once without a word more written; leases are not let go, they expire.
     */
    void abandon() {
        draining = true;
        heartbeat.shutdownNow();
        ticks.shutdownNow();
        if (intake != null) {
            intake.close();
        }
        if (http != null) {
            http.close();
        }
        new java.util.HashMap<>(held).forEach((runId, run) -> {
            run.storing().fence(instance + " died");
            run.control().cancel(instance + " died");
        });
    }

    /** An instance named host-pid (the default) of this host whose process is gone: serve was killed and is being restarted. */
    public String instance() {
        return instance;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops taking events, cancels running runs (recorded as cancelled), closes everything. {@link #drain} hands them over instead. */
    @Override
    public void close() {
        draining = true;
        ticks.shutdownNow();
        if (intake != null) {
            intake.close();
        }
        if (http != null) {
            http.close();
        }
        held.values().forEach(run -> run.control().cancel("opsbook serve is stopping"));
        runs.shutdown();
        try {
            runs.awaitTermination(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        heartbeat.shutdownNow();
        try {
            store.unregisterInstance(instance);
        } catch (RuntimeException e) {
            // the store may be closed already; the row goes stale
        }
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

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        return r -> {
            Thread thread = new Thread(r, name + "-" + n.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
