package dev.opsbook.cli;

import dev.opsbook.aws.AwsSettings;
import dev.opsbook.service.Service;
import dev.opsbook.web.WebPages;
import dev.opsbook.store.RunStore;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import dev.opsbook.runbook.Durations;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import sun.misc.Signal;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Runs the engine as a service: EventBridge events from SQS (an embedded queue when none is given) and over HTTP"
                + " start the runbooks whose triggers match, exactly once per event; waiting runs resume when answered.",
        footer = {"", "Prints 'queue: <url>' once it consumes and 'http: <url>' once it listens. Settings can also come from",
                "configuration: opsbook.runbooks, opsbook.queue-url, opsbook.store, opsbook.record-dir, opsbook.http.port,",
                "opsbook.aws.region (environment: OPSBOOK_RUNBOOKS, OPSBOOK_QUEUE_URL, ...). Ctrl-C or SIGTERM drains it: no new events,",
                "running steps finish (for at most --drain), then the runs it held are let go to another instance; exit status 0.",
                "Several instances can share one PostgreSQL store and one queue; the embedded H2 store serves one instance."})
public class ServeCommand implements Callable<Integer> {

    @Option(names = "--runbooks", paramLabel = "DIR", description = "Folders of runbooks and playbooks (default: runbooks, playbooks).")
    List<Path> runbooks = new ArrayList<>();

    @Option(names = "--port", paramLabel = "N", description = "HTTP port (default 8080; 0 picks a free one).")
    Integer port;

    @Option(names = "--host", paramLabel = "ADDRESS", defaultValue = "127.0.0.1", description = "HTTP address (default ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--queue-url", paramLabel = "URL", description = "The SQS queue to consume (default: an embedded ElasticMQ queue).")
    String queueUrl;

    @Mixin
    StoreOption store;

    @Option(names = "--record-dir", paramLabel = "DIR", description = "Where records go (default: records).")
    Path recordDir;

    @Option(names = "--region", paramLabel = "REGION", description = "AWS region for steps and the queue.")
    String region;

    @Option(names = "--endpoint-url", paramLabel = "URL", description = "Send the steps' AWS calls to this endpoint (SQS goes to the host of --queue-url).")
    URI endpointUrl;

    @Option(names = "--max-receives", defaultValue = "5", description = "Deliveries of a failing message before it is left to the redrive policy.")
    int maxReceives;

    @Option(names = "--max-runs", defaultValue = "8", description = "Runs executed at once by this instance; when full it takes no"
            + " more messages off the queue, leaving them to other instances (default ${DEFAULT-VALUE}).")
    int maxRuns;

    @Option(names = "--lease", paramLabel = "DURATION", defaultValue = "30s", description = "How long this instance holds a run"
            + " without renewing it (the heartbeat renews every third of it); another instance takes a run over once its lease"
            + " expires (default ${DEFAULT-VALUE}).")
    String lease;

    @Option(names = "--drain", paramLabel = "DURATION", defaultValue = "30s", description = "On SIGTERM or Ctrl-C: how long running"
            + " steps may take to finish before this instance lets their runs go to another (default ${DEFAULT-VALUE}).")
    String drain;

    @Option(names = "--instance", paramLabel = "NAME", description = "This instance's name in leases and logs (default: host-pid).")
    String instance;

    @Override
    public Integer call() throws Exception {
        List<Path> folders = !runbooks.isEmpty() ? runbooks : Stores.setting("opsbook.runbooks")
                .map(s -> Arrays.stream(s.split(",")).map(String::strip).map(Path::of).toList())
                .orElse(List.of(Path.of("runbooks"), Path.of("playbooks")));
        int httpPort = port != null ? port : Stores.setting("opsbook.http.port").map(Integer::parseInt).orElse(8080);
        Optional<String> queue = Optional.ofNullable(queueUrl).or(() -> Stores.setting("opsbook.queue-url"));
        Path records = recordDir != null ? recordDir : Stores.setting("opsbook.record-dir").map(Path::of).orElse(Path.of("records"));
        AwsSettings aws = new AwsSettings(Optional.ofNullable(region).or(() -> Stores.setting("opsbook.aws.region")), Optional.empty(),
                Optional.ofNullable(endpointUrl));
        Optional<Duration> leaseTime = Durations.parse(lease);
        Optional<Duration> grace = Durations.parse(drain);
        if (leaseTime.isEmpty() || leaseTime.get().compareTo(Duration.ofSeconds(1)) < 0) {
            System.err.println("error: --lease must be a duration of at least 1s such as 30s or 2m, not '" + lease + "'");
            return ExitCodes.INVALID;
        }
        if (grace.isEmpty()) {
            System.err.println("error: --drain must be a duration such as 30s or 2m (0s: let runs go at once), not '" + drain + "'");
            return ExitCodes.INVALID;
        }
        if (maxRuns < 1) {
            System.err.println("error: --max-runs must be at least 1, not " + maxRuns);
            return ExitCodes.INVALID;
        }
        String name = instance != null && !instance.isBlank() ? instance.strip() : Service.Leasing.defaultInstance();
        CountDownLatch stop = new CountDownLatch(1);
        Signal.handle(new Signal("INT"), s -> stop.countDown());
        Signal.handle(new Signal("TERM"), s -> stop.countDown());
        try (RunStore runs = store.open();
             Service service = new Service(new Service.Config(folders, host, httpPort, queue, records, aws, maxReceives, maxRuns,
                     Path.of("").toAbsolutePath(), new Service.Leasing(name, leaseTime.get(), Clock.systemUTC())), runs, Runbooks.loader(),
                     System.out)) {
            new dev.opsbook.api.Api(service.operations(), service.queries()).addTo(service.router());
            WebPages.addTo(service.router(), service.operations(), service.queries(), service.sessions());
            service.onUnauthenticated(WebPages.loginRedirect());
            try {
                service.start();
            } catch (IllegalStateException e) {
                System.err.println("error: " + e.getMessage());
                return ExitCodes.INVALID;
            }
            System.out.flush();
            stop.await();
            List<String> letGo = service.drain(grace.get());
            System.out.println("opsbook: drained" + (letGo.isEmpty() ? "" : "; let go of " + String.join(", ", letGo)
                    + " for another instance to take over"));
            System.out.flush();
        }
        return ExitCodes.OK;
    }
}
