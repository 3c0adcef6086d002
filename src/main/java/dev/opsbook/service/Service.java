package dev.opsbook.service;

import dev.opsbook.access.AccessAudit;
import dev.opsbook.access.ApiTokens;
import dev.opsbook.access.Sessions;
import dev.opsbook.alarm.CloudWatchAlarms;
import dev.opsbook.aws.AwsClients;
import dev.opsbook.aws.AwsInvoker;
import dev.opsbook.aws.AwsServices;
import dev.opsbook.aws.AwsSettings;
import dev.opsbook.engine.ChildRuns;
import dev.opsbook.engine.RunStatus;
import dev.opsbook.engine.StepExecutors;
import dev.opsbook.graph.RunbookLoader;
import dev.opsbook.metrics.Health;
import dev.opsbook.metrics.ServiceMetrics;
import dev.opsbook.record.RecordFolder;
import dev.opsbook.record.RecordPlace;
import dev.opsbook.runbook.Durations;
import dev.opsbook.steps.Notifier;
import dev.opsbook.steps.PythonStep;
import dev.opsbook.steps.StandardSteps;
import dev.opsbook.store.RunStore;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code opsbook serve}: events in (SQS, HTTP), runs out, every run durable in the store, waiting
 * runs resumed when a person answers. Runs started by events never ask anyone at a terminal:
 * their approvals and manual steps wait in the store for {@code opsbook approve}. This class only
 * assembles: it builds the parts ({@link RunPool}, {@link Heartbeat}, {@link Takeovers},
 * {@link Resumptions}, {@link Escalator}, {@link Drain}, the dispatcher and intakes), starts and
 * stops them in order, and hands the API and web pages {@link RunOperations} and {@link RunQueries}.
 * It listens on nothing: {@code serve}'s HTTP and messaging are Quarkus's, and reach it through
 * {@link #intake()}, {@link #operations()} and {@link #queries()}.
 */
public final class Service implements AutoCloseable {

    /**
     * @param records where records and trails go: a folder, or a bucket ({@link RecordPlaces#open}), opened by the caller
     * @param python the interpreter of python steps ({@code opsbook.python})
     * @param notifications where notify steps and escalations send ({@code opsbook.pagerduty-url}, {@code opsbook.email-from})
     */
    public record Config(List<Path> runbookFolders, RecordPlace records, AwsSettings aws, int maxReceives, int maxConcurrentRuns,
                         Path workingDirectory, Leasing leasing, String python, Notifier.Settings notifications) {

        public Config(List<Path> runbookFolders, RecordPlace records, AwsSettings aws, int maxReceives, int maxConcurrentRuns,
                      Path workingDirectory, Leasing leasing, String python) {
            this(runbookFolders, records, aws, maxReceives, maxConcurrentRuns, workingDirectory, leasing, python, Notifier.Settings.DEFAULTS);
        }

        public Config(List<Path> runbookFolders, RecordPlace records, AwsSettings aws, int maxReceives, int maxConcurrentRuns,
                      Path workingDirectory, Leasing leasing) {
            this(runbookFolders, records, aws, maxReceives, maxConcurrentRuns, workingDirectory, leasing, PythonStep.DEFAULT_INTERPRETER);
        }

        public Config(List<Path> runbookFolders, Path recordDir, AwsSettings aws, int maxReceives, int maxConcurrentRuns,
                      Path workingDirectory, Leasing leasing) {
            this(runbookFolders, new RecordFolder(recordDir), aws, maxReceives, maxConcurrentRuns, workingDirectory, leasing);
        }

        public Config(List<Path> runbookFolders, Path recordDir, AwsSettings aws, int maxReceives, int maxConcurrentRuns,
                      Path workingDirectory) {
            this(runbookFolders, recordDir, aws, maxReceives, maxConcurrentRuns, workingDirectory, Leasing.defaults());
        }

        public Config withPython(String interpreter) {
            return new Config(runbookFolders, records, aws, maxReceives, maxConcurrentRuns, workingDirectory, leasing, interpreter, notifications);
        }

        public Config withNotifications(Notifier.Settings settings) {
            return new Config(runbookFolders, records, aws, maxReceives, maxConcurrentRuns, workingDirectory, leasing, python, settings);
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
    private final AwsInvoker invoker;
    private final RunbookFolders folders;
    private final TriggerMatcher matcher = new TriggerMatcher();
    // //why: two threads, so the escalator's tick (a catch-up over many runs after a start) never holds up answers and takeovers
    private final ScheduledExecutorService ticks = Executors.newScheduledThreadPool(2, daemon("opsbook-ticks"));
    private final Dispatcher dispatcher;
    private final RunPool pool;
    private final Heartbeat leases;
    private final Takeovers takeovers;
    private final Resumptions resumptions;
    private final Escalator escalator;
    private final Drain drain;
    private final ApiTokens tokens;
    private final Sessions sessions;
    private final EventIntake intake;
    private AccessAudit access;
    private final ServiceMetrics metrics = new ServiceMetrics();
    private final Health health = new Health();
    private final RunOperations operations;
    private final RunQueries queries;
    private final GameDayRuns gameDays;
    private final LiveRuns live;
    private final CoverageReader coverage;
    private final RunbookLoader loader;
    private volatile IncidentRuns incidents;
    private volatile Optional<java.net.URI> publicUrl = Optional.empty();

    public Service(Config config, RunStore store, RunbookLoader loader, PrintStream log) {
        this.config = config;
        this.store = store;
        this.log = log;
        Clock clock = config.leasing().clock();
        this.instance = config.leasing().instance();
        this.clients = new AwsClients(config.aws());
        ChildRunner[] children = new ChildRunner[1]; // //why: the pool runs children with the executors that hold the runner
        GameDayRuns[] gameDayRuns = new GameDayRuns[1]; // //why: drills read their scenario through the game days, built below
        StepExecutors executors = DrillSteps.guard(StandardSteps.with(clients, config.python(), ChildRuns.deferred(() -> children[0]),
                config.notifications()), id -> gameDayRuns[0].scenarioOfGameDay(id));
        this.invoker = new AwsInvoker(AwsServices.onClasspath(), clients);
        this.folders = new RunbookFolders(config.runbookFolders(), loader, log);
        RunRecords records = new RunRecords(store, loader);
        this.export = RecordExport.of(config.records(), records, log).inBackground(exports);
        this.lagging = () -> records.unexported(20);
        this.pool = new RunPool(config, store, loader, executors, invoker, metrics, export, log);
        children[0] = new ChildRunner(store, loader, folders.catalog(),
                new PoolChildren(store, pool, clock, instance), clock);
        this.leases = new Heartbeat(config.leasing(), store, pool, log);
        this.takeovers = new Takeovers(config.leasing(), store, pool, log);
        this.resumptions = new Resumptions(config.leasing(), store, pool);
        EscalationSender escalations = new EscalationSender(new Notifier(invoker, config.notifications()), log);
        this.escalator = new Escalator(store, loader, new TierDelivery(store, new Notifier(invoker, config.notifications()), metrics, clock, log,
                export::changed),
                clock, instance, log);
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
        this.intake = new EventIntake(dispatcher, pool, config.maxConcurrentRuns());
        this.gameDays = new GameDayRuns(store, loader, intake::offerDrill, clock);
        gameDayRuns[0] = gameDays;
        this.live = new LiveRuns(store, pool::holds, log);
        live.alsoTell(escalator::heard);
        this.coverage = new CoverageReader(new CloudWatchAlarms(clients), folders::current, matcher, clock);
        this.loader = loader;
        this.incidents = new IncidentRuns(store, loader, clock, dev.opsbook.incident.IncidentGrouping.DEFAULT_ALARM_WINDOW);
    }

    /** Runs of one alarm this close together are one incident ({@code opsbook.incident-window}). Before {@link #start}. */
    public void groupingAlarmsWithin(Duration window) {
        this.incidents = new IncidentRuns(store, loader, config.leasing().clock(), window);
    }

    /** Incidents: runs that belong together, their timeline and post-incident draft. */
    public IncidentRuns incidents() {
        return incidents;
    }

    /** The base of the links this serve writes into drafts and escalations ({@code opsbook.public-url}), when set. */
    public Optional<java.net.URI> publicUrl() {
        return publicUrl;
    }

    /** Which CloudWatch alarm starts which runbook, read from the alarms of serve's region on demand. */
    public CoverageReader coverage() {
        return coverage;
    }

    /** The base of the run-page links escalations send ({@code opsbook.public-url}); without it they are paths. Before {@link #start}. */
    public void linkingTo(Optional<java.net.URI> publicUrl) {
        escalator.linkTo(publicUrl);
        this.publicUrl = publicUrl;
    }

    /** Events from any transport (the messaging channel, {@code POST /events}) to what became of each. */
    public EventIntake intake() {
        return intake;
    }

    public Sessions sessions() {
        return sessions;
    }

    public ApiTokens tokens() {
        return tokens;
    }

    /** The access trail of this instance; open once {@link #start} has returned. */
    public AccessAudit access() {
        if (access == null) {
            throw new IllegalStateException("the service has not started");
        }
        return access;
    }

    /** The readiness checks: the store, and whether this instance takes events. */
    public Health health() {
        return health;
    }

    public ServiceMetrics metrics() {
        return metrics;
    }

    /** What the API does with runs: launch, cancel, resume from a step, answer. */
    public RunOperations operations() {
        return operations;
    }

    /** Game days: inject a scenario's events as drills, judge its expectations, write its report. */
    public GameDayRuns gameDays() {
        return gameDays;
    }

    /** What the API and the web pages read about runs. */
    public RunQueries queries() {
        return queries;
    }

    /** The runs open pages follow: a broadcast per run, fed by the store's events. */
    public LiveRuns live() {
        return live;
    }

    public void start() {
        leases.join();
        folders.scan(matcher::use);
        log.println("runbooks: " + folders.current().size() + " loaded from "
                + String.join(", ", config.runbookFolders().stream().map(Path::toString).toList()) + "; store: " + store.describe());
        log.println("instance: " + instance + " (leases of " + Durations.format(config.leasing().lease()) + ", at most " + config.maxConcurrentRuns()
                + " runs at once" + (store.multiInstance() ? "" : "; the embedded store serves this instance only") + ")");
        access = AccessAudit.in(store.auditChains(), instance, config.leasing().clock());
        leases.start();
        live.start();
        ticks.scheduleWithFixedDelay(this::tick, 500, 500, TimeUnit.MILLISECONDS);
        ticks.scheduleWithFixedDelay(this::escalate, 500, 2000, TimeUnit.MILLISECONDS);
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
            int tick = tickCount.incrementAndGet();
            if (tick % 10 == 2) {
                export.catchUpInBackground(lagging); // //why: every 5 s; files a killed instance did not write lag a stopped run, which nobody else would rewrite
            }
        } catch (RuntimeException e) {
            log.println("opsbook: " + e);
        }
    }

    /** Every 2 s, on a thread of its own: an escalation's `after` is a matter of seconds at least. */
    private void escalate() {
        try {
            escalator.tick();
        } catch (RuntimeException e) {
            log.println("opsbook: " + e);
        }
    }

    /** Takes no more events, runs, takeovers or resumes: the ticks stop, and the intake answers "later" from now on. */
    private void stopTaking() {
        ticks.shutdownNow();
        intake.close();
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
        live.close();
        exports.shutdown();
        try {
            exports.awaitTermination(5, TimeUnit.SECONDS); // //why: the records of the runs that stopped last are written before the store closes
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        leases.stop();
        leases.leave(true); // the store may be closed already; the row goes stale
        clients.close();
        if (access != null) {
            try {
                access.close();
            } catch (java.io.IOException e) {
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
