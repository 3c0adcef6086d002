package dev.opsbook.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsbook.access.Role;
import dev.opsbook.aws.AwsSettings;
import dev.opsbook.engine.RunStatus;
import dev.opsbook.graph.RunbookLoader;
import dev.opsbook.service.LiveRuns;
import dev.opsbook.service.RunQueries;
import dev.opsbook.service.Service;
import dev.opsbook.steps.StandardSteps;
import dev.opsbook.store.JdbcRunStore;
import dev.opsbook.store.RunStore;
import dev.opsbook.testing.Eventually;
import dev.opsbook.testing.Served;
import dev.opsbook.trigger.TriggerPatternCheck;
import io.quarkus.test.junit.QuarkusTest;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run page's stream, {@code GET /runs/{id}/stream}: pushed as the run moves, over when it stops, and no thread per open page. */
@QuarkusTest
class RunEventsResourceTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private RunStore store;
    private Service service;
    private Served served;
    private String viewer;

    @BeforeEach
    void start() throws Exception {
        Path runbooks = Files.createDirectories(dir.resolve("runbooks"));
        Files.write(runbooks.resolve("four-eyes.md"), getClass().getResourceAsStream("/api/four-eyes.md").readAllBytes());
        store = JdbcRunStore.open(JdbcRunStore.embeddedUrl(dir.resolve("store")), "", "");
        RunbookLoader loader = new RunbookLoader(StandardSteps.all().catalog(), List.of(new TriggerPatternCheck()));
        service = new Service(new Service.Config(List.of(runbooks), dir.resolve("records"),
                new AwsSettings(Optional.of("us-east-1"), Optional.empty(), Optional.empty()), 3, 4, dir),
                store, loader, new PrintStream(log, true, StandardCharsets.UTF_8));
        served = Served.start(service);
        viewer = service.tokens().issue("vera", Set.of(Role.VIEWER)).secret();
    }

    @AfterEach
    void stop() {
        served.close();
        service.close();
        store.close();
    }

    /** A run of four-eyes.md launched by otto, waiting for a second person's approval. */
    private String waitingRun() throws Exception {
        String run = service.operations().launch(service.operations().runbook("four-eyes").orElseThrow(), Map.of("change", "CHG-7"),
                "otto", "web");
        eventually("the run waits for its approval", () -> progress(run).status() == RunStatus.WAITING);
        return run;
    }

    private RunQueries.Progress progress(String run) {
        return service.queries().progress(run).orElseThrow();
    }

    /** What the page's URL says it was rendered from: {@code ?seen=waiting-3}. */
    private String seen(String run) {
        RunQueries.Progress now = progress(run);
        return LiveRuns.seen(now.status(), now.events());
    }

    private HttpRequest streamRequest(String run, String seen) {
        return HttpRequest.newBuilder(URI.create(Served.base() + "/runs/" + run + "/stream?seen=" + seen))
                .header("Authorization", "Bearer " + viewer).header("Accept", "text/event-stream").build();
    }

    /** An open stream: its lines as they come, "(closed)" once the server ends it. */
    private BlockingQueue<String> open(String run, String seen) throws Exception {
        HttpResponse<InputStream> response = http.send(streamRequest(run, seen), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).get().asString().startsWith("text/event-stream");
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    if (!line.isEmpty() && !line.startsWith(":")) { // blank lines end events; ':' starts a comment (keep-alive)
                        lines.add(spelled(line));
                    }
                }
            } catch (Exception e) {
                lines.add("(failed) " + e);
            }
            lines.add("(closed)");
        }, "sse-reader");
        reader.setDaemon(true);
        reader.start();
        return lines;
    }

    /** A field line as an EventSource reads it ({@code event:update} and {@code event: update} alike), spelled {@code event: update}. */
    private static String spelled(String line) {
        int colon = line.indexOf(':');
        String value = colon < 0 ? "" : line.substring(colon + 1);
        return (colon < 0 ? line : line.substring(0, colon)) + ": " + (value.startsWith(" ") ? value.substring(1) : value);
    }

    private static List<String> take(BlockingQueue<String> lines, int count, Duration within) throws InterruptedException {
        List<String> got = new ArrayList<>();
        long until = System.nanoTime() + within.toNanos();
        while (got.size() < count) {
            String line = lines.poll(Math.max(0, until - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null) {
                break;
            }
            got.add(line);
        }
        return got;
    }

    private void eventually(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        Eventually.until(what, Duration.ofSeconds(30), condition, () -> log.toString(StandardCharsets.UTF_8));
    }

    @Test
    void an_open_stream_hears_the_run_move_as_soon_as_it_is_stored() throws Exception {
        String run = waitingRun();
        BlockingQueue<String> stream = open(run, seen(run));
        assertThat(take(stream, 1, Duration.ofMillis(300))).as("the page is up to date: nothing to redraw").isEmpty();

        service.operations().answer(run, "allow", true, "anna", "looks right");

        assertThat(take(stream, 2, Duration.ofSeconds(2))).as("pushed when the answer is stored, not at the next poll of a page")
                .containsExactly("event: update", "data: {\"status\":\"waiting\"}");
    }

    @Test
    void a_run_that_stops_ends_its_stream_with_end_and_the_watch_is_let_go() throws Exception {
        String run = waitingRun();
        BlockingQueue<String> stream = open(run, seen(run));

        service.operations().cancel(run, "otto", "not today");

        List<String> lines = take(stream, 9, Duration.ofSeconds(10));
        assertThat(lines).containsSubsequence("event: update", "data: {\"status\":\"cancelled\"}",
                "event: end", "data: {\"status\":\"cancelled\"}", "(closed)");
        assertThat(service.live().watching()).isZero();

        BlockingQueue<String> late = open(run, seen(run));
        assertThat(take(late, 3, Duration.ofSeconds(5))).as("a page opened on a stopped run").containsExactly("event: end",
                "data: {\"status\":\"cancelled\"}", "(closed)");
    }

    @Test
    void no_stream_for_a_run_that_does_not_exist() throws Exception {
        HttpResponse<String> response = http.send(streamRequest("nope", ""), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).contains("No run nope.");
    }

    @Test
    void two_hundred_open_run_pages_leave_readiness_answering_and_leave_nothing_behind_when_they_close() throws Exception {
        String run = waitingRun();
        String seen = seen(run);
        List<CompletableFuture<HttpResponse<InputStream>>> pages = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            pages.add(http.sendAsync(streamRequest(run, seen), HttpResponse.BodyHandlers.ofInputStream()));
        }
        List<HttpResponse<InputStream>> open = new ArrayList<>();
        for (CompletableFuture<HttpResponse<InputStream>> page : pages) {
            open.add(page.get(60, TimeUnit.SECONDS));
        }
        assertThat(open).allSatisfy(r -> assertThat(r.statusCode()).isEqualTo(200));
        eventually("all 200 pages watch the run", () -> service.live().watching() == 200);

        // //why: the old server's 64 threads were all held by open pages, so this request queued until a stream's 10 minutes ran out
        HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create(Served.base() + "/q/health/ready"))
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(ready.statusCode()).isEqualTo(200);

        for (HttpResponse<InputStream> page : open) {
            page.body().close();
        }
        eventually("every closed page's watch is let go", () -> service.live().watching() == 0);
    }
}
