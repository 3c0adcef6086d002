package dev.opsbook.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opsbook.aws.AwsFakes;
import dev.opsbook.aws.AwsSettings;
import dev.opsbook.engine.Resolution;
import dev.opsbook.engine.RunStatus;
import dev.opsbook.graph.RunbookLoader;
import dev.opsbook.record.RecordPlace;
import dev.opsbook.steps.StandardSteps;
import dev.opsbook.store.JdbcRunStore;
import dev.opsbook.store.RunQuery;
import dev.opsbook.store.RunStore;
import dev.opsbook.store.StoredRun;
import dev.opsbook.testing.S3Endpoint;
import dev.opsbook.trigger.TriggerPatternCheck;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records in a bucket ({@code --record-dir s3://BUCKET/PREFIX}) against a real S3-compatible endpoint (s3proxy, in memory):
 * service instances on one store write each run's record and trail as objects, so they share no file system; a run taken over
 * goes on in the same object. Leases of one second, so a takeover happens in about that.
 */
@Timeout(90)
class S3RecordsTest {

    private static final Duration LEASE = Duration.ofSeconds(1);
    private static final String BUCKET = "opsbook-records";

    @TempDir
    Path dir;

    private S3Endpoint s3;
    private RunStore store;
    private Path runbooks;
    private final List<Service> services = new ArrayList<>();
    private final List<RecordPlace> places = new ArrayList<>();
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    @BeforeEach
    void prepare() throws Exception {
        AwsFakes.fakeCredentials();
        s3 = S3Endpoint.start(BUCKET);
        runbooks = Files.createDirectories(dir.resolve("runbooks"));
        Files.write(runbooks.resolve("deploy.md"), getClass().getResourceAsStream("/leases/deploy.md").readAllBytes());
        store = JdbcRunStore.open(JdbcRunStore.embeddedUrl(dir.resolve("store")), "", "");
    }

    @AfterEach
    void stop() throws Exception {
        services.forEach(Service::close);
        places.forEach(RecordPlace::close);
        store.close();
        s3.close();
    }

    private AwsSettings aws() {
        return new AwsSettings(Optional.of("us-east-1"), Optional.empty(), Optional.of(s3.uri()));
    }

    /** An instance as serve starts it: the place opened (and checked) first, then the service. */
    private Service start(String instance, String recordDir) throws Exception {
        RecordPlace place = RecordPlaces.open(recordDir, aws());
        places.add(place);
        RunbookLoader loader = new RunbookLoader(StandardSteps.all().catalog(), List.of(new TriggerPatternCheck()));
        Service service = new Service(new Service.Config(List.of(runbooks), place, aws(), 3, 4, dir,
                new Service.Leasing(instance, LEASE, Clock.systemUTC())), store, loader, new PrintStream(log, true, StandardCharsets.UTF_8));
        service.start();
        services.add(service);
        return service;
    }

    private void send(Service service, String id, String release) {
        assertThat(service.intake().offer("sqs", """
                {"version":"0","id":"%s","detail-type":"Release Ready","source":"opsbook.test","account":"123456789012",
                 "time":"2026-11-23T03:00:00Z","region":"us-east-1","resources":[],"detail":{"release":"%s","marker":"%s"}}"""
                .formatted(id, release, dir.resolve(release).toString().replace("\\", "\\\\")), 1).verdict()).isEqualTo(EventIntake.Verdict.DONE);
    }

    private StoredRun only() {
        List<StoredRun> runs = store.runs(RunQuery.latest(10));
        assertThat(runs).hasSize(1);
        return runs.get(0);
    }

    private String object(String key) {
        return s3.read(BUCKET, key).orElse("");
    }

    private String shown(String run) {
        return new RunRecords(store, new RunbookLoader(StandardSteps.all().catalog(), List.of())).of(run).orElseThrow().markdown();
    }

    private String storedTrail(String run) {
        StringBuilder text = new StringBuilder();
        store.auditChains().read(run).lines().forEach(line -> text.append(line).append('\n'));
        return text.toString();
    }

    private void eventually(String what, BooleanSupplier condition) throws InterruptedException {
        dev.opsbook.testing.Eventually.until(what, Duration.ofSeconds(30), condition, () -> log.toString(StandardCharsets.UTF_8)
                + "\nkeys: " + s3.keys(BUCKET));
    }

    @Test
    void a_served_run_leaves_its_record_and_its_trail_as_objects_under_the_prefix_as_the_store_has_them() throws Exception {
        Service service = start("instance-a", "s3://" + BUCKET + "/ops/prod/");
        send(service, "evt-1", "r1");
        eventually("deploy is running", () -> Files.exists(dir.resolve("r1.started")));
        String run = only().id();
        String key = "ops/prod/deploy/" + run + ".md";
        eventually("the record object shows the run going, before its end", () -> object(key).contains("\nstatus: running\n")
                && object(key).contains("prepared r1") && only().status() == RunStatus.RUNNING);

        eventually("the run succeeded", () -> only().status() == RunStatus.SUCCEEDED);
        eventually("the record object says so", () -> object(key).contains("\nstatus: succeeded\n"));

        assertThat(object(key)).as("the object is the record opsbook show prints").isEqualTo(shown(run)).contains("announced r1");
        assertThat(object("ops/prod/deploy/" + run + ".audit.jsonl")).as("the trail object is the store's chain, line for line")
                .isEqualTo(storedTrail(run)).contains("\"run-finished\"");
        assertThat(s3.keys(BUCKET)).as("nothing else but the check made at start")
                .containsExactly("ops/prod/.opsbook-write-check", "ops/prod/deploy/" + run + ".audit.jsonl", key);
        assertThat(s3.contentType(BUCKET, key)).contains("text/markdown");
    }

    @Test
    void a_run_taken_over_by_a_second_instance_goes_on_in_the_same_record_object() throws Exception {
        Service first = start("instance-a", "s3://" + BUCKET + "/records");
        send(first, "evt-1", "r1");
        eventually("deploy is running on instance-a", () -> Files.exists(dir.resolve("r1.started")));
        String run = only().id();
        String key = "records/deploy/" + run + ".md";
        eventually("instance-a wrote its part", () -> object(key).contains("prepared r1"));
        first.abandon();
        Thread.sleep(LEASE.toMillis() + 200);
        start("instance-b", "s3://" + BUCKET + "/records");

        eventually("the run needs attention", () -> only().status() == RunStatus.NEEDS_ATTENTION);
        eventually("the record object says so", () -> object(key).contains("\nstatus: needs-attention\n"));
        assertThat(object(key)).as("instance-a's part and instance-b's in one object")
                .contains("prepared r1", "`prepare` succeeded", "Run taken over by instance-b from instance-a");

        Approvals.resolve(store, run, "deploy", Resolution.RETRY, "carol", "nothing was deployed", Clock.systemUTC());
        eventually("the run succeeded", () -> only().status() == RunStatus.SUCCEEDED);
        eventually("the record object says so", () -> object(key).contains("\nstatus: succeeded\n"));
        assertThat(object(key)).isEqualTo(shown(run))
                .contains("prepared r1", "Run taken over by instance-b from instance-a", "`deploy` resolved by carol: retry", "announced r1");
        assertThat(object("records/deploy/" + run + ".audit.jsonl")).isEqualTo(storedTrail(run))
                .contains("\"run-started\"", "\"run-taken-over\"", "\"step-resolved\"", "\"run-finished\"");
        assertThat(s3.keys(BUCKET)).as("one record object for the run, whichever instance wrote it")
                .containsExactly("records/.opsbook-write-check", "records/deploy/" + run + ".audit.jsonl", key);
    }

    @Test
    void a_bucket_that_does_not_exist_is_refused_in_one_line_that_names_it() {
        assertThatThrownBy(() -> RecordPlaces.open("s3://no-such-bucket/records", aws()))
                .isInstanceOf(RecordPlaces.Unusable.class)
                .hasMessage("the records bucket no-such-bucket does not exist; create it (the deployment's template does)"
                        + " or name another in --record-dir s3://BUCKET/PREFIX");
    }

    @Test
    void a_bucket_that_refuses_the_credentials_is_refused_in_one_line_that_says_which_permissions_it_needs() throws Exception {
        try (S3Endpoint other = S3Endpoint.withKey("AKIAOTHERACCOUNT", "another-secret", BUCKET)) {
            AwsSettings there = new AwsSettings(Optional.of("us-east-1"), Optional.empty(), Optional.of(other.uri()));
            assertThatThrownBy(() -> RecordPlaces.open("s3://" + BUCKET + "/records", there))
                    .isInstanceOf(RecordPlaces.Unusable.class)
                    .hasMessageStartingWith("the records bucket " + BUCKET + " refuses these AWS credentials (")
                    .hasMessageEndingWith("allow s3:ListBucket on arn:aws:s3:::" + BUCKET + " and s3:PutObject on arn:aws:s3:::"
                            + BUCKET + "/records/*");
        }
    }

    @Test
    void a_bucket_name_that_cannot_be_one_is_refused_before_any_call() {
        assertThatThrownBy(() -> RecordPlaces.open("s3://My_Bucket/records", aws()))
                .hasMessage("--record-dir s3://My_Bucket/records: 'My_Bucket' is not an S3 bucket name (3 to 63 lower-case letters,"
                        + " digits, dots and hyphens); write s3://BUCKET/PREFIX");
    }
}
