package dev.opsbook.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsbook.audit.AuditLog;
import dev.opsbook.audit.AuditTrail;
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
import dev.opsbook.graph.RunbookLoader;
import dev.opsbook.record.RecordWriter;
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
                         AwsSettings aws, int maxReceives, int maxConcurrentRuns, Path workingDirectory) {
    }

    private final Config config;
    private final RunStore store;
    private final RunbookLoader loader;
    private final PrintStream log;
    private final Clock clock = Clock.systemUTC();
    private final AwsClients clients;
    private final StepExecutors executors;
    private final AwsInvoker invoker;
    private final RunbookFolders folders;
    private final TriggerMatcher matcher = new TriggerMatcher();
    private final ExecutorService runs;
    private final ScheduledExecutorService ticks = Executors.newScheduledThreadPool(1, daemon("opsbook-ticks"));
    private final Dispatcher dispatcher;
    private final java.util.Set<String> escalated = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final List<RunControl> active = java.util.Collections.synchronizedList(new ArrayList<>());
    private EmbeddedQueue embedded;
    private SqsClient sqs;
    private SqsIntake intake;
    private HttpIntake http;
    private String queueUrl;

    public Service(Config config, RunStore store, RunbookLoader loader, PrintStream log) {
        this.config = config;
        this.store = store;
        this.loader = loader;
        this.log = log;
        this.clients = new AwsClients(config.aws());
        this.executors = StandardSteps.with(clients);
        this.invoker = new AwsInvoker(AwsServices.onClasspath(), clients);
        this.folders = new RunbookFolders(config.runbookFolders(), loader, log);
        this.runs = Executors.newFixedThreadPool(config.maxConcurrentRuns(), daemon("opsbook-run"));
        this.dispatcher = new Dispatcher(matcher, store, this::launch, this::escalate, clock, config.maxReceives());
    }

    public void start() throws IOException {
        folders.scan(matcher::use);
        log.println("runbooks: " + folders.current().size() + " loaded from "
                + String.join(", ", config.runbookFolders().stream().map(Path::toString).toList()) + "; store: " + store.describe());
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
        intake = new SqsIntake(sqs, queueUrl, (body, receives, id) -> dispatcher.handle("sqs", body, receives).verdict(), 2);
        intake.start();
        log.println("queue: " + queueUrl);
        http = HttpIntake.start(config.host(), config.port(), new HttpIntake.Handlers() {
            @Override
            public ObjectNode event(String body) {
                return dispatcher.handle("http", body, 1).report();
            }

            @Override
            public void answer(String runId, String stepId, boolean confirmed, String by, String comment) throws Approvals.Refused {
                Approvals.answer(store, runId, stepId, confirmed, by, comment, "http", clock);
            }

            @Override
            public Optional<String> record(String runId) {
                return Records.render(store, loader, runId);
            }

            @Override
            public JsonNode runs() {
                ArrayNode list = JsonNodeFactory.instance.arrayNode();
                for (StoredRun run : store.runs(RunQuery.latest(100))) {
                    list.addObject().put("run", run.id()).put("runbook", run.runbookId()).put("status", run.status().label())
                            .put("trigger", run.trigger()).put("startedAt", run.startedAt().toString()).put("waitingFor", run.waitingFor());
                }
                return list;
            }
        });
        log.println("http: http://" + config.host() + ":" + http.port());
        ticks.scheduleWithFixedDelay(this::tick, 500, 500, TimeUnit.MILLISECONDS);
    }

    public String queueUrl() {
        return queueUrl;
    }

    public URI httpUrl() {
        return URI.create("http://" + config.host() + ":" + http.port());
    }

    private void tick() {
        try {
            folders.scan(matcher::use);
            resumeAnswered();
            escalateLongWaits();
        } catch (RuntimeException e) {
            log.println("opsbook: " + e);
        }
    }

    // ---- runs ----------------------------------------------------------------------------------

    private String launch(LoadedRunbook runbook, ObjectNode params, JsonNode event, String eventId, Optional<String> key) throws Exception {
        String runId = RunIds.from(clock).get();
        StoringListener storing = StoringListener.forNewRun(store, runbook.runbook(), Optional.of(eventId), key);
        RunRequest request = new RunRequest(runbook, Dispatcher.asTexts(params), "event " + eventId, "event", Interaction.NOBODY,
                Optional.empty(), config.workingDirectory(), Optional.of(event));
        Path trailFile = RecordWriter.trailFor(config.recordDir(), runbook.runbook().id(), runId);
        RunControl control = new RunControl();
        active.add(control);
        runs.submit(() -> {
            try (AuditTrail trail = AuditTrail.create(trailFile);
                 Engine engine = new Engine(executors, clock, () -> runId, new AwsSecrets(invoker, "opsbook-" + runId))) {
                AuditLog audit = new AuditLog(trail, runbook.runbook());
                RunListener listeners = both(storing, audit, runbook.runbook());
                RunResult result = engine.run(request, listeners, control);
                RecordWriter.write(config.recordDir(), result, Optional.of(trail.summary()));
            } catch (Exception e) {
                log.println("opsbook: run " + runId + " of " + runbook.runbook().id() + " failed to run: " + e);
            } finally {
                active.remove(control);
            }
        });
        if (!storing.awaitCreated(30_000)) {
            throw new IllegalStateException("the run was not stored within 30 s");
        }
        return runId;
    }

    /** Takes up every waiting run a person answered; the run's next event claims it, so two services never both resume it. */
    private void resumeAnswered() {
        // //why: the answered runs, not the newest waiting ones: with more than a page of runs waiting, an older one answered was never taken up
        for (StoredRun run : store.answeredRuns(100)) {
            List<RunEvent> events = store.events(run.id());
            if (!Approvals.resumable(events)) {
                continue;
            }
            Optional<List<RunEvent>> claimed = Approvals.claim(store, run.id(), events, new RunEvent.RunResumed(clock.instant(), "opsbook serve"));
            if (claimed.isEmpty()) {
                continue; // another process took it up
            }
            List<RunEvent> history = claimed.get();
            LoadedRunbook runbook = loader.load(run.runbookFile(), store.runbookText(run.id()).orElse(""));
            Path trailFile = RecordWriter.trailFor(config.recordDir(), run.runbookId(), run.id());
            RunControl control = new RunControl();
            active.add(control);
            runs.submit(() -> {
                try (AuditTrail trail = AuditTrail.continueAt(trailFile);
                     Engine engine = new Engine(executors, clock, () -> run.id(), new AwsSecrets(invoker, "opsbook-" + run.id()))) {
                    AuditLog audit = new AuditLog(trail, runbook.runbook());
                    Approvals.tellAnswers(history, audit);
                    RunListener listeners = both(StoringListener.continuing(store, history.size()), audit, runbook.runbook());
                    RunRequest request = new RunRequest(runbook, java.util.Map.of(), run.startedBy(), run.trigger(), Interaction.NOBODY,
                            Optional.empty(), config.workingDirectory());
                    RunResult result = engine.resume(request, history, "opsbook serve", listeners, control);
                    RecordWriter.write(config.recordDir(), result, Optional.of(trail.summary()));
                } catch (Exception e) {
                    log.println("opsbook: resuming run " + run.id() + " failed: " + e);
                } finally {
                    active.remove(control);
                }
            });
        }
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
                escalate(runbook.runbook(), "step '" + waiting.stepId() + "' of run " + run.id() + " has waited for a person longer than "
                        + dev.opsbook.runbook.Durations.format(step.get().timeout().get()) + "; answer it with opsbook approve " + run.id() + " "
                        + waiting.stepId(), com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().put("run", run.id()));
            }
        }
    }

    private RunListener both(RunListener storing, AuditLog audit, Runbook runbook) {
        return (event, state) -> {
            storing.on(event, state);
            audit.on(event, state);
            if (event instanceof RunEvent.RunStarted started) {
                log.println("run " + started.runId() + " of " + runbook.id() + " started by " + started.startedBy());
            } else if (event instanceof RunEvent.RunResumed) {
                log.println("run " + state.runId() + " of " + runbook.id() + " resumed");
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

    /** Stops taking events, lets running steps stop, closes everything. */
    @Override
    public void close() {
        ticks.shutdownNow();
        if (intake != null) {
            intake.close();
        }
        if (http != null) {
            http.close();
        }
        synchronized (active) {
            active.forEach(c -> c.cancel("opsbook serve is stopping"));
        }
        runs.shutdown();
        try {
            runs.awaitTermination(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (sqs != null) {
            sqs.close();
        }
        if (embedded != null) {
            embedded.close();
        }
        clients.close();
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
