package dev.opsbook.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsbook.access.ApiTokens;
import dev.opsbook.access.Role;
import dev.opsbook.aws.AwsSettings;
import dev.opsbook.cli.ResumeCommand;
import dev.opsbook.cli.RunCommand;
import dev.opsbook.engine.Resolution;
import dev.opsbook.engine.RunStatus;
import dev.opsbook.graph.RunbookLoader;
import dev.opsbook.steps.StandardSteps;
import dev.opsbook.store.JdbcRunStore;
import dev.opsbook.store.RunQuery;
import dev.opsbook.store.RunStore;
import dev.opsbook.testing.Served;
import io.quarkus.test.junit.QuarkusTest;
import dev.opsbook.trigger.TriggerPatternCheck;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A run's record is one text, rendered from the store: the file under {@code --record-dir} (written on each change of the
 * run's state, by whichever instance holds the run), the API's record and {@code opsbook show} say the same bytes.
 * Real service served by the application (the one started last), H2 on disk, real shell steps; leases of one second, so a
 * takeover happens in about that.
 */
@QuarkusTest
@Timeout(120)
class RecordsFromTheStoreTest {

    private static final Duration LEASE = Duration.ofSeconds(1);

    @TempDir
    Path dir;

    private String url;
    private RunStore store;
    private Path runbooks;
    private final List<Service> services = new ArrayList<>();
    private final List<Served> served = new ArrayList<>();
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private final HttpClient http = HttpClient.newHttpClient();
    private String viewer;
    private String operator;
    private String approver;

    @BeforeEach
    void prepare() throws Exception {
        runbooks = Files.createDirectories(dir.resolve("runbooks"));
        Files.write(runbooks.resolve("deploy.md"), getClass().getResourceAsStream("/leases/deploy.md").readAllBytes());
        Files.writeString(runbooks.resolve("gated.md"), new String(getClass().getResourceAsStream("/service/gated.md").readAllBytes(),
                StandardCharsets.UTF_8).replace("ESCALATION_URL", "http://127.0.0.1:9/escalate").replace(" timeout=1s", ""));
        url = JdbcRunStore.embeddedUrl(dir.resolve("store"));
        store = JdbcRunStore.open(url, "", "");
        ApiTokens tokens = new ApiTokens(store.tokens(), Clock.systemUTC());
        viewer = tokens.issue("vera", Set.of(Role.VIEWER)).secret();
        operator = tokens.issue("otto", Set.of(Role.OPERATOR)).secret();
        approver = tokens.issue("anna", Set.of(Role.APPROVER)).secret();
    }

    @AfterEach
    void stop() {
        served.forEach(Served::close);
        services.forEach(Service::close);
        store.close();
    }

    private Service start(String instance, Path recordDir) throws Exception {
        RunbookLoader loader = new RunbookLoader(StandardSteps.all().catalog(), List.of(new TriggerPatternCheck()));
        Service service = new Service(new Service.Config(List.of(runbooks), recordDir,
                new AwsSettings(Optional.of("us-east-1"), Optional.empty(), Optional.empty()), 3, 4, dir,
                new Service.Leasing(instance, LEASE, Clock.systemUTC())), store, loader, new PrintStream(log, true, StandardCharsets.UTF_8));
        served.add(Served.start(service));
        services.add(service);
        return service;
    }

    /** A request to the application, which serves the service started last ({@code service} names which one the test means). */
    private HttpResponse<String> call(Service service, String method, String path, String token, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(Served.base() + path)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").header("Accept", "text/markdown")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private String launch(Service service, String runbook, String parameters) throws Exception {
        HttpResponse<String> response = call(service, "POST", "/api/runbooks/" + runbook + "/runs", operator, "{\"parameters\":" + parameters + "}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(response.body()).path("id").asText();
    }

    private String apiRecord(Service service, String run) throws Exception {
        HttpResponse<String> response = call(service, "GET", "/api/runs/" + run + "/record", viewer, null);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.body();
    }

    private String show(String run) {
        return dev.opsbook.testing.Show.record(run, url);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private RunStatus status(String run) {
        return store.run(run).orElseThrow().status();
    }

    private void eventually(String what, BooleanSupplier condition) throws InterruptedException {
        dev.opsbook.testing.Eventually.until(what, Duration.ofSeconds(30), condition, () -> log.toString(StandardCharsets.UTF_8));
    }

    private String said() {
        return log.toString(StandardCharsets.UTF_8);
    }

    /** The record file, the API's record and {@code opsbook show}, once the file is written for the run's {@code status}. */
    private void assertOneRecord(Service service, Path file, String run, String status) throws Exception {
        eventually("the record file says " + status, () -> read(file).contains("\nstatus: " + status + "\n"));
        //why: a waiting run's escalation is told (and written to the file) beside the run, so the three may differ for a moment
        eventually("the file, the API's record and opsbook show agree", () -> {
            try {
                String now = apiRecord(service, run);
                return read(file).equals(now) && show(run).equals(now);
            } catch (Exception e) {
                return false;
            }
        });
        String api = apiRecord(service, run);
        assertThat(read(file)).as("the file under --record-dir is the API's record").isEqualTo(api);
        assertThat(show(run)).as("opsbook show prints the same record").isEqualTo(api);
        assertThat(api).as("sealed with the trail's end in the store").contains("\naudit:\n", "## Audit trail");
    }

    @Test
    void a_waiting_a_finished_a_resumed_after_approval_and_a_cancelled_waiting_run_have_one_record_in_the_folder_the_api_and_show() throws Exception {
        Service service = start("instance-a", dir.resolve("records"));

        String gated = launch(service, "gated", "{\"change\":\"CHG-1\"}");
        eventually("it waits", () -> status(gated) == RunStatus.WAITING);
        assertOneRecord(service, dir.resolve("records/gated/" + gated + ".md"), gated, "waiting");

        HttpResponse<String> approved = call(service, "POST", "/api/runs/" + gated + "/steps/allow/approve", approver, "{}");
        assertThat(approved.statusCode()).as(approved.body()).isEqualTo(200);
        eventually("the service resumed it to the end", () -> status(gated) == RunStatus.SUCCEEDED);
        assertOneRecord(service, dir.resolve("records/gated/" + gated + ".md"), gated, "succeeded");
        assertThat(read(dir.resolve("records/gated/" + gated + ".md"))).contains("Approved by **anna (tok-", "applying CHG-1");

        String deploy = launch(service, "deploy", "{\"release\":\"r1\",\"marker\":\"" + dir.resolve("r1") + "\"}");
        eventually("it finished", () -> status(deploy) == RunStatus.SUCCEEDED);
        assertOneRecord(service, dir.resolve("records/deploy/" + deploy + ".md"), deploy, "succeeded");

        String cancelled = launch(service, "gated", "{\"change\":\"CHG-3\"}");
        eventually("it waits", () -> status(cancelled) == RunStatus.WAITING);
        assertThat(call(service, "POST", "/api/runs/" + cancelled + "/cancel", operator, "{\"reason\":\"not tonight\"}").statusCode()).isEqualTo(200);
        assertOneRecord(service, dir.resolve("records/gated/" + cancelled + ".md"), cancelled, "cancelled");
    }

    @Test
    void a_run_resumed_by_opsbook_resume_has_in_its_record_folder_what_opsbook_show_prints() throws Exception {
        Path records = dir.resolve("cli-records");
        int waited = new CommandLine(new RunCommand()).execute(runbooks.resolve("gated.md").toString(), "--param", "change=CHG-2",
                "--record-dir", records.toString(), "--store", url);
        assertThat(waited).as("without a terminal the approval waits").isEqualTo(1);
        String run = store.runs(RunQuery.latest(1)).get(0).id();
        Path file = records.resolve("gated/" + run + ".md");
        assertThat(read(file)).contains("\nstatus: waiting\n").isEqualTo(show(run));

        Approvals.answer(store, new RunbookLoader(StandardSteps.all().catalog(), List.of()), run, "allow", true, "erin", "", "opsbook approve",
                Clock.systemUTC());
        assertThat(new CommandLine(new ResumeCommand()).execute(run, "--record-dir", records.toString(), "--store", url)).isZero();

        assertThat(read(file)).contains("\nstatus: succeeded\n", "Approved by **erin** (opsbook approve)", "## Audit trail")
                .isEqualTo(show(run));
    }

    @Test
    void the_record_file_is_written_as_the_run_goes_not_only_at_its_end() throws Exception {
        Service service = start("instance-a", dir.resolve("records"));

        String run = launch(service, "deploy", "{\"release\":\"r1\",\"marker\":\"" + dir.resolve("r1") + "\"}");
        eventually("deploy is running", () -> Files.exists(dir.resolve("r1.started")));
        Path file = dir.resolve("records/deploy/" + run + ".md");
        // //why: a running run's record is written within a second of its changes (RecordExport.RUNNING_EVERY); deploy takes 3 s
        eventually("the record shows prepare's end", () -> Files.exists(file) && read(file).contains("`prepare` succeeded"));

        String during = read(file);
        assertThat(dir.resolve("r1")).as("deploy has not finished yet").doesNotExist();
        assertThat(during).contains("\nstatus: running\n", "prepared r1", "`prepare` succeeded");
        eventually("it finished", () -> status(run) == RunStatus.SUCCEEDED);
        eventually("the record says so", () -> read(dir.resolve("records/deploy/" + run + ".md")).contains("\nstatus: succeeded\n"));
    }

    @Test
    void a_run_taken_over_by_an_instance_with_another_record_folder_has_one_whole_record_and_one_chain_that_verifies() throws Exception {
        Service first = start("instance-a", dir.resolve("records-a"));
        String run = launch(first, "deploy", "{\"release\":\"r1\",\"marker\":\"" + dir.resolve("r1") + "\"}");
        eventually("deploy is running on instance-a", () -> Files.exists(dir.resolve("r1.started")));
        first.abandon();
        Service[] second = new Service[1];
        eventually("instance-b starts once instance-a's lease has expired", () -> {
            try {
                second[0] = start("instance-b", dir.resolve("records-b"));
                return true;
            } catch (Exception e) {
                return false;
            }
        });
        eventually("the run needs attention", () -> status(run) == RunStatus.NEEDS_ATTENTION);

        Path file = dir.resolve("records-b/deploy/" + run + ".md");
        assertOneRecord(second[0], file, run, "needs-attention");
        assertThat(read(file)).as("what instance-a did is in instance-b's folder")
                .contains("prepared r1", "`prepare` succeeded", "Run taken over by instance-b from instance-a");

        Approvals.resolve(store, run, "deploy", Resolution.RETRY, "carol", "nothing was deployed", Clock.systemUTC());
        eventually("the run succeeded", () -> status(run) == RunStatus.SUCCEEDED);
        assertOneRecord(second[0], file, run, "succeeded");
        assertThat(read(file)).contains("prepared r1", "`deploy` succeeded", "announced r1");

        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        var verification = json.readTree(call(second[0], "GET", "/api/runs/" + run + "/audit/verification", viewer, null).body());
        assertThat(verification.path("valid").asBoolean()).as(verification.toString()).isTrue();
        assertThat(verification.path("sealedBy").asText()).isEqualTo("store");
        var trail = json.readTree(call(second[0], "GET", "/api/runs/" + run + "/audit", viewer, null).body()).path("entries");
        List<String> types = new java.util.ArrayList<>();
        for (int i = 0; i < trail.size(); i++) {
            assertThat(trail.get(i).path("seq").asLong()).as("one chain, no second start at 1").isEqualTo(i + 1);
            types.add(trail.get(i).path("type").asText());
        }
        assertThat(types).as("both instances' parts in one chain").startsWith("run-started").contains("run-taken-over", "step-resolved")
                .endsWith("run-finished");
        assertThat(verification.path("entries").asLong()).isEqualTo(trail.size());
        assertThat(read(file)).as("the record seals the chain's end").contains(verification.path("finalHash").asText());
        assertThat(new CommandLine(new dev.opsbook.cli.OpsbookCommand()).execute("audit", "verify", run, "--store", url))
                .as("opsbook audit verify RUN").isZero();
        assertThat(new CommandLine(new dev.opsbook.cli.OpsbookCommand()).execute("audit", "verify", "--file",
                dir.resolve("records-b/deploy/" + run + ".audit.jsonl").toString(), "--store", url))
                .as("the exported trail in instance-b's folder verifies too").isZero();
    }

    @Test
    void a_stopped_run_whose_instance_was_killed_before_writing_its_files_gets_them_from_another_instance() throws Exception {
        // //why: what kill -9 between storing the run's last event and writing its files leaves: a history, no files
        String run = "20261202-000000-0123456789ab";
        Instant at = Instant.parse("2026-12-02T00:00:00Z");
        String text = Files.readString(runbooks.resolve("deploy.md"));
        var json = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance;
        store.create(new dev.opsbook.store.StoredRun(run, "deploy", runbooks.resolve("deploy.md").toString(), "hash", RunStatus.RUNNING, "event",
                "tester", Optional.empty(), Optional.empty(), at, Optional.empty(), "", ""), text,
                new dev.opsbook.engine.RunEvent.RunStarted(at, run, "deploy", "Deploy", "hash",
                        json.objectNode().put("release", "r9").put("marker", dir.resolve("r9").toString()), json.objectNode(), "tester", "event"));
        store.append(run, 2, new dev.opsbook.engine.RunEvent.RunFinished(at.plusSeconds(1), RunStatus.CANCELLED, "stopped by the test"));

        Service other = start("instance-b", dir.resolve("records-b"));
        Path file = dir.resolve("records-b/deploy/" + run + ".md");
        assertOneRecord(other, file, run, "cancelled");
        assertThat(dir.resolve("records-b/deploy/" + run + ".audit.jsonl")).as("its trail file too").exists();
    }

    @Test
    void a_record_that_cannot_be_written_is_told_once_and_the_run_goes_on() throws Exception {
        Service service = start("instance-a", dir.resolve("records"));
        String run = launch(service, "deploy", "{\"release\":\"r1\",\"marker\":\"" + dir.resolve("r1") + "\"}");
        eventually("deploy is running", () -> Files.exists(dir.resolve("r1.started")));
        // //why: what a full disk or a removed folder does to a write, for a test run as root: no file can take the record's place
        Path file = dir.resolve("records/deploy/" + run + ".md");
        Files.deleteIfExists(file);
        Files.writeString(Files.createDirectories(file).resolve("in-the-way"), "");

        eventually("the run succeeded", () -> status(run) == RunStatus.SUCCEEDED);
        eventually("the failure is told", () -> said().contains("cannot write the record of run " + run));
        assertThat(said().lines().filter(l -> l.contains("cannot write the record of run " + run))).as("once").hasSize(1);
        assertThat(said()).doesNotContain("failed to run");
        assertThat(show(run)).contains("\nstatus: succeeded\n", "announced r1");
    }
}
