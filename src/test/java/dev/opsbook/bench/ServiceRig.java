package dev.opsbook.bench;

import dev.opsbook.aws.AwsSettings;
import dev.opsbook.graph.RunbookLoader;
import dev.opsbook.service.EventIntake;
import dev.opsbook.service.Service;
import dev.opsbook.steps.StandardSteps;
import dev.opsbook.store.JdbcRunStore;
import dev.opsbook.store.RunQuery;
import dev.opsbook.store.RunStore;
import dev.opsbook.store.StoredRun;
import dev.opsbook.trigger.TriggerPatternCheck;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/** Shared plumbing of the service benchmarks: a runbook folder, in-process services, events handed to them. */
final class ServiceRig {

    static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    private ServiceRig() {
    }

    static Path runbooks(Path dir, String name, String text) throws IOException {
        Path folder = Files.createDirectories(dir.resolve("runbooks"));
        Files.writeString(folder.resolve(name + ".md"), text);
        return folder;
    }

    static RunbookLoader loader() {
        return new RunbookLoader(StandardSteps.all().catalog(), List.of(new TriggerPatternCheck()));
    }

    static RunStore h2(Path dir) {
        return JdbcRunStore.open(JdbcRunStore.embeddedUrl(dir.resolve("store")), "", "");
    }

    /** A started service; events go to it through {@link #feed}, as the messaging channel hands them to it. */
    static Service service(Path dir, Path runbooks, RunStore store, int maxConcurrentRuns) throws IOException {
        Path own = dir.resolve("instance-" + System.nanoTime());
        Service service = new Service(new Service.Config(List.of(runbooks), own.resolve("records"),
                new AwsSettings(Optional.of("us-east-1"), Optional.empty(), Optional.empty()), 3, maxConcurrentRuns, Files.createDirectories(own)),
                store, loader(), QUIET);
        service.start();
        return service;
    }

    /**
     * Events handed to services as a queue and the channel would: each service takes events while it has
     * room, with as many takers as it runs runs at once, and an event it answers LATER goes back to the
     * queue for any of them. The queue's own network round trips are left out: these rows measure the engine.
     */
    static final class Feed implements AutoCloseable {
        private final LinkedBlockingQueue<String> queue = new LinkedBlockingQueue<>();
        private final List<Thread> takers = new ArrayList<>();
        private volatile boolean open = true;

        Feed(List<Service> services, int takersEach) {
            for (Service service : services) {
                for (int i = 0; i < takersEach; i++) {
                    Thread taker = new Thread(() -> take(service), "bench-feed-" + takers.size());
                    taker.setDaemon(true);
                    takers.add(taker);
                    taker.start();
                }
            }
        }

        void sendAll(List<String> bodies) {
            queue.addAll(bodies);
        }

        private void take(Service service) {
            try {
                while (open) {
                    if (service.intake().room() <= 0) {
                        Thread.sleep(2);
                        continue;
                    }
                    String body = queue.poll(100, TimeUnit.MILLISECONDS);
                    if (body != null && service.intake().offer("sqs", body, 1).verdict() == EventIntake.Verdict.LATER) {
                        queue.add(body);
                        Thread.sleep(2);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void close() throws InterruptedException {
            open = false;
            for (Thread taker : takers) {
                taker.join(2_000);
            }
        }
    }

    static URI endpoint(String queueUrl) {
        return URI.create(queueUrl.replaceAll("(http://[^/]+)/.*", "$1"));
    }

    static String event(String id, String detailType, String detailJson) {
        return "{\"version\":\"0\",\"id\":\"" + id + "\",\"detail-type\":\"" + detailType + "\",\"source\":\"opsbook.bench\","
                + "\"account\":\"123456789012\",\"time\":\"2026-11-23T03:00:00Z\",\"region\":\"us-east-1\",\"resources\":[],"
                + "\"detail\":" + detailJson + "}";
    }

    static void sendAll(SqsClient sqs, String queueUrl, List<String> bodies) {
        List<SendMessageBatchRequestEntry> batch = new ArrayList<>();
        for (int i = 0; i < bodies.size(); i++) {
            batch.add(SendMessageBatchRequestEntry.builder().id("m" + i).messageBody(bodies.get(i)).build());
            if (batch.size() == 10 || i == bodies.size() - 1) {
                List<SendMessageBatchRequestEntry> entries = List.copyOf(batch);
                sqs.sendMessageBatch(b -> b.queueUrl(queueUrl).entries(entries));
                batch.clear();
            }
        }
    }

    /** The runbook's runs started by events whose id starts with {@code prefix}. */
    static List<StoredRun> runs(RunStore store, String runbookId, String prefix) {
        return store.runs(new RunQuery(Optional.of(runbookId), Optional.empty(), Optional.empty(), 0)).stream()
                .filter(r -> r.eventId().map(id -> id.startsWith(prefix)).orElse(false)).toList();
    }

    static void eventually(String what, long timeoutMillis, long pollMillis, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not within " + timeoutMillis / 1000 + " s: " + what);
            }
            Thread.sleep(pollMillis);
        }
    }

    /** Nearest-rank percentile of sorted values. */
    static double percentile(double[] sorted, double p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    static double[] sorted(List<Double> values) {
        double[] array = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(array);
        return array;
    }

    static void delete(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp dir left behind
        }
    }
}
