package dev.opsbook.cli;

import dev.opsbook.aws.AwsSettings;
import dev.opsbook.service.Capacity;
import dev.opsbook.service.Service;
import dev.opsbook.serve.ServiceLog;
import dev.opsbook.serve.Serving;
import dev.opsbook.service.EmbeddedQueue;
import io.quarkus.arc.Arc;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.microprofile.config.ConfigProvider;
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
                "configuration: opsbook.runbooks, opsbook.allow-empty, opsbook.queue-url, opsbook.store, opsbook.record-dir,",
                "opsbook.http.host, opsbook.http.port, opsbook.aws.region (environment: OPSBOOK_RUNBOOKS, OPSBOOK_HTTP_HOST, ...).",
                "It refuses to start when its folders hold no runbook that loads, unless --allow-empty. Ctrl-C or SIGTERM drains it: no new events,",
                "running steps finish (for at most --drain), then the runs it held are let go to another instance; exit status 0.",
                "Several instances can share one PostgreSQL store and one queue; the embedded H2 store serves one instance."})
public class ServeCommand implements Callable<Integer> {

    @Option(names = "--runbooks", paramLabel = "DIR", description = "Folders of runbooks and playbooks (default: runbooks, playbooks).")
    List<Path> runbooks = new ArrayList<>();

    @Option(names = "--port", paramLabel = "N", description = "HTTP port (default 8080; 0 picks a free one).")
    Integer port;

    @Option(names = "--host", paramLabel = "ADDRESS", description = "HTTP address (default 127.0.0.1, this machine only; 0.0.0.0: every"
            + " interface, as in the container image).")
    String host;

    @Option(names = "--allow-empty", description = "Start even when the runbook folders hold no runbook that loads (they are"
            + " read again as files change); without it serve refuses to start.")
    boolean allowEmpty;

    @Option(names = "--queue-url", paramLabel = "URL", description = "The SQS queue to consume (default: an embedded ElasticMQ queue).")
    String queueUrl;

    @Mixin
    StoreOption store;

    @Option(names = "--record-dir", paramLabel = "DIR", description = "Where records go: a folder, or s3://BUCKET/PREFIX so that"
            + " instances share no file system (default: records).")
    String recordDir;

    @Option(names = "--region", paramLabel = "REGION", description = "AWS region for steps and the queue.")
    String region;

    @Option(names = "--endpoint-url", paramLabel = "URL", description = "Send the steps' AWS calls to this endpoint (SQS goes to the host of --queue-url).")
    URI endpointUrl;

    @Option(names = "--max-receives", defaultValue = "5", description = "Deliveries of a failing message before it is left to the redrive policy.")
    int maxReceives;

    @Option(names = "--max-runs", defaultValue = "" + Capacity.DEFAULT_MAX_RUNS, description = "Runs executed at once by this instance; when full it takes no"
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

    /** serve's options, checked, with the settings they default to. */
    record Settings(List<Path> folders, String host, int port, Optional<String> queueUrl, String records, AwsSettings aws,
                    int maxReceives, int maxRuns, Duration lease, Duration drain, String instance, dev.opsbook.serve.EventSource source,
                    boolean allowEmpty) {

        Settings withPort(int chosen) {
            return new Settings(folders, host, chosen, queueUrl, records, aws, maxReceives, maxRuns, lease, drain, instance, source, allowEmpty);
        }

        /** Where it listens, as a URL: an IPv6 address in brackets. */
        String httpUrl() {
            return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        }

        /**
         * What Quarkus must know before it boots: where to listen, and the queue the channel {@code events} consumes.
         *
         * @param embedded the queue started in this process when none was given
         */
        Map<String, String> quarkusProperties(Optional<EmbeddedQueue> embedded) {
            Map<String, String> properties = new LinkedHashMap<>();
            properties.put("quarkus.http.host", host);
            properties.put("quarkus.http.port", String.valueOf(port));
            if (source.sqs()) {
                properties.putAll(dev.opsbook.serve.QueueProperties.of(queueUrl.orElseGet(() -> embedded.orElseThrow().queueUrl()),
                        aws.region(), queueUrl.isEmpty()));
            }
            return properties;
        }
    }

    /** @throws IllegalArgumentException with the one line to print, for an option that cannot be used */
    Settings settings() {
        List<Path> folders = !runbooks.isEmpty() ? runbooks : Setting.RUNBOOKS.value()
                .map(s -> Arrays.stream(s.split(",")).map(String::strip).map(Path::of).toList())
                .orElse(List.of(Path.of("runbooks"), Path.of("playbooks")));
        int httpPort;
        try {
            httpPort = port != null ? port : Setting.HTTP_PORT.value().map(Integer::parseInt).orElse(8080);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(Setting.HTTP_PORT.key() + " (" + Setting.HTTP_PORT.environment() + ") must be a port number, not '"
                    + Setting.HTTP_PORT.value().orElse("") + "'");
        }
        if (httpPort < 0 || httpPort > 65535) {
            throw new IllegalArgumentException("--port must be between 0 and 65535 (0 picks a free one), not " + httpPort);
        }
        Optional<String> queue = Optional.ofNullable(queueUrl).or(Setting.QUEUE_URL::value);
        queue.ifPresent(dev.opsbook.serve.QueueProperties::parse);
        dev.opsbook.serve.EventSource source = dev.opsbook.serve.EventSource.configured(Stores::setting);
        if (!source.sqs() && queue.isPresent()) {
            throw new IllegalArgumentException("--queue-url (or opsbook.queue-url) names an SQS queue, but the channel events is configured for "
                    + source.connector() + " (" + dev.opsbook.serve.EventSource.CONNECTOR + "); drop one of them");
        }
        String records = recordDir != null ? recordDir : Setting.RECORD_DIR.value().orElse("records");
        AwsSettings aws = new AwsSettings(Optional.ofNullable(region).or(Setting.AWS_REGION::value), Optional.empty(),
                Optional.ofNullable(endpointUrl));
        Optional<Duration> leaseTime = Durations.parse(lease);
        Optional<Duration> grace = Durations.parse(drain);
        if (leaseTime.isEmpty() || leaseTime.get().compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("--lease must be a duration of at least 1s such as 30s or 2m, not '" + lease + "'");
        }
        if (grace.isEmpty()) {
            throw new IllegalArgumentException("--drain must be a duration such as 30s or 2m (0s: let runs go at once), not '" + drain + "'");
        }
        if (maxRuns < 1) {
            throw new IllegalArgumentException("--max-runs must be at least 1, not " + maxRuns);
        }
        String name = instance != null && !instance.isBlank() ? instance.strip() : Service.Leasing.defaultInstance();
        String address = host != null && !host.isBlank() ? host.strip() : Setting.HTTP_HOST.value().orElse("127.0.0.1");
        Optional<String> emptyValue = Setting.ALLOW_EMPTY.value();
        if (emptyValue.isPresent() && !emptyValue.get().equalsIgnoreCase("true") && !emptyValue.get().equalsIgnoreCase("false")) {
            throw new IllegalArgumentException(Setting.ALLOW_EMPTY.key() + " (" + Setting.ALLOW_EMPTY.environment() + ") must be true or false, not '"
                    + emptyValue.get() + "'");
        }
        boolean empty = allowEmpty || emptyValue.map(Boolean::parseBoolean).orElse(false);
        return new Settings(folders, address, httpPort, queue, records, aws, maxReceives, maxRuns, leaseTime.get(), grace.get(), name, source, empty);
    }

    /** Runs inside Quarkus, which {@link ServeLaunch} booted with these options: HTTP listens, the channel is up. */
    @Override
    public Integer call() throws Exception {
        Optional<ServeLaunch.Prepared> prepared = ServeLaunch.prepared();
        if (prepared.isEmpty()) {
            System.err.println("error: opsbook serve runs from the opsbook launcher (java -jar quarkus-run.jar serve)");
            return ExitCodes.INVALID;
        }
        Settings settings = prepared.get().settings();
        CountDownLatch stop = new CountDownLatch(1);
        Signal.handle(new Signal("INT"), s -> stop.countDown());
        Signal.handle(new Signal("TERM"), s -> stop.countDown());
        Serving serving = Arc.container().instance(Serving.class).get();
        RunStore runs = prepared.get().store(); // //why: opened before boot, so a store that cannot be used stops serve before it listens
        try (Service service = new Service(new Service.Config(settings.folders(), prepared.get().records(), settings.aws(), settings.maxReceives(),
                     settings.maxRuns(), Path.of("").toAbsolutePath(), new Service.Leasing(settings.instance(), settings.lease(), Clock.systemUTC())).withPython(Runbooks.python())
                             .withNotifications(Runbooks.notifications()),
                     runs, Runbooks.loader().findingEscalationPathsIn(settings.folders()), ServiceLog.stream())) {
            try {
                service.linkingTo(publicUrl());
                service.groupingAlarmsWithin(IncidentReportCommand.window().orElseThrow(() -> new IllegalArgumentException(
                        Setting.INCIDENT_WINDOW.key() + " is no duration")));
                service.start();
            } catch (IllegalStateException | IllegalArgumentException e) {
                System.err.println("error: " + e.getMessage());
                return ExitCodes.INVALID;
            }
            serving.install(service);
            System.out.println(settings.source().sqs() ? "queue: " + ConfigProvider.getConfig().getValue("opsbook.queue-url", String.class)
                    : settings.source().describe(name -> ConfigProvider.getConfig().getOptionalValue(name, String.class)));
            System.out.println("http: " + settings.httpUrl());
            System.out.flush();
            stop.await();
            List<String> letGo = service.drain(settings.drain());
            serving.uninstall(service);
            System.out.println("opsbook: drained" + (letGo.isEmpty() ? "" : "; let go of " + String.join(", ", letGo)
                    + " for another instance to take over"));
            System.out.flush();
        }
        return ExitCodes.OK;
    }

    /** {@code opsbook.public-url}: where people reach this serve, for the links in escalations. */
    static java.util.Optional<java.net.URI> publicUrl() {
        java.util.Optional<String> value = Setting.PUBLIC_URL.value();
        if (value.isEmpty()) {
            return java.util.Optional.empty();
        }
        try {
            java.net.URI uri = new java.net.URI(value.get());
            if (uri.getHost() == null || uri.getScheme() == null // //why: "//host" has a host and no scheme
                    || !(uri.getScheme().equalsIgnoreCase("http") || uri.getScheme().equalsIgnoreCase("https"))) {
                throw new java.net.URISyntaxException(value.get(), "not an http(s) URL with a host");
            }
            return java.util.Optional.of(uri);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException(Setting.PUBLIC_URL.key() + " (" + Setting.PUBLIC_URL.environment()
                    + ") must be the http(s) URL people reach serve at, such as https://opsbook.example.com, not '" + value.get() + "'");
        }
    }
}
