package dev.opsbook.cli;

import dev.opsbook.service.Capacity;
import dev.opsbook.service.EmbeddedQueue;
import dev.opsbook.record.RecordPlace;
import dev.opsbook.service.RecordPlaces;
import dev.opsbook.store.RunStore;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine;

/**
 * {@code serve} before and around Quarkus: its options are read and checked before anything
 * boots (a bad option is one line and exit 2, with nothing listening), the HTTP address and the
 * queue become Quarkus configuration ({@link ServeCommand.Settings#quarkusProperties}), the
 * embedded queue starts when none is given and the channel {@code events} is not pointed at another
 * broker ({@link dev.opsbook.serve.EventSource}), then Quarkus boots and runs {@link ServeCommand}.
 */
final class ServeLaunch {

    /** What the command running inside Quarkus takes over: its settings and the embedded queue, if any. */
    record Prepared(ServeCommand.Settings settings, Optional<EmbeddedQueue> embedded, RunStore store, RecordPlace records) {
    }

    private static volatile Prepared prepared;

    private ServeLaunch() {
    }

    static boolean isServe(String[] args) {
        for (String arg : args) {
            if (!arg.startsWith("-")) {
                return arg.equals("serve");
            }
        }
        return false;
    }

    static Optional<Prepared> prepared() {
        return Optional.ofNullable(prepared);
    }

    static int launch(String[] args) {
        CommandLine cli = Main.commandLine();
        CommandLine.ParseResult parsed;
        try {
            parsed = cli.parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            return cli.execute(args); // picocli says what is wrong, as for any command
        }
        if (CommandLine.printHelpIfRequested(parsed)) {
            return ExitCodes.OK;
        }
        ServeCommand command = parsed.subcommand().commandSpec().commandLine().getCommand();
        ServeCommand.Settings settings;
        try {
            settings = command.settings();
            settings = settings.withPort(settings.port() == 0 ? freePort(settings.host()) : refuseTakenPort(settings.host(), settings.port()));
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            return ExitCodes.INVALID;
        }
        if (!RunbooksToServe.check(settings.folders(), settings.allowEmpty(), Runbooks.loader(), System.err)) {
            return ExitCodes.INVALID;
        }
        RunStore store;
        try {
            store = command.store.open(Capacity.storeConnections(settings.maxRuns()));
            if (Stores.setting(FORM_KEY).isEmpty()) {
                System.setProperty(FORM_KEY, formKey(store));
            }
        } catch (RuntimeException e) {
            System.err.println("error: " + e.getMessage());
            return ExitCodes.INVALID;
        }
        RecordPlace records;
        try {
            records = RecordPlaces.open(settings.records(), settings.aws()); // //why: a bucket that cannot take records stops serve before it listens
        } catch (RecordPlaces.Unusable e) {
            store.close();
            System.err.println("error: " + e.getMessage());
            return ExitCodes.INVALID;
        }
        Optional<EmbeddedQueue> embedded = Optional.empty();
        if (settings.source().sqs() && settings.queueUrl().isEmpty()) {
            try {
                embedded = Optional.of(EmbeddedQueue.start(0, settings.maxReceives()));
            } catch (IOException | RuntimeException e) {
                store.close();
                records.close();
                System.err.println("error: cannot start the embedded queue: " + e.getMessage() + "; give one with --queue-url URL");
                return ExitCodes.INVALID;
            }
        }
        prepared = new Prepared(settings, embedded, store, records);
        for (Map.Entry<String, String> property : settings.quarkusProperties(embedded).entrySet()) {
            System.setProperty(property.getKey(), property.getValue());
        }
        AtomicInteger exit = new AtomicInteger();
        try {
            Quarkus.run(Application.class, (code, failure) -> {
                if (failure != null) {
                    System.err.println("error: opsbook serve could not start: " + rootMessage(failure));
                    exit.set(ExitCodes.INVALID);
                } else {
                    exit.set(code);
                }
            }, args);
        } finally {
            embedded.ifPresent(EmbeddedQueue::close);
            store.close();
            records.close();
        }
        return exit.get();
    }

    static final String FORM_KEY = Setting.CSRF_KEY.key();

    /**
     * The key that signs the pages' form tokens when none is configured: the store's own, made by the first instance
     * that asked and kept, so every instance on one store, and a restarted one, accepts the forms the others showed.
     */
    static String formKey(RunStore store) {
        byte[] candidate = new byte[32];
        new SecureRandom().nextBytes(candidate);
        return store.tokens().installationKey("form-tokens", Base64.getUrlEncoder().withoutPadding().encodeToString(candidate), Instant.now());
    }

    /** One line for a port that is taken, before Quarkus tries it and says so at length. */
    private static int refuseTakenPort(String host, int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(host, port));
        } catch (IOException e) {
            String why = e instanceof java.net.BindException && String.valueOf(e.getMessage()).contains("in use")
                    ? "the address is in use (another opsbook serve, or another program, listens there)"
                    : String.valueOf(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
            throw new IllegalArgumentException("cannot listen on " + host + ":" + port + ": " + why
                    + "; choose another port with --port N (0 picks a free one) or another address with --host");
        }
        return port;
    }

    /** --port 0: a port free now, so serve can say where it listens. //why: Quarkus does not tell the port it picked. */
    private static int freePort(String host) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(host, 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot listen on " + host + ": " + e.getMessage() + "; choose another address with --host");
        }
    }

    static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return String.valueOf(root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage()).lines().findFirst().orElse("");
    }

    /** serve inside Quarkus: picocli runs the command again, now with the application up. */
    public static final class Application implements QuarkusApplication {
        @Override
        public int run(String... args) {
            return Main.commandLine().execute(args);
        }
    }
}
