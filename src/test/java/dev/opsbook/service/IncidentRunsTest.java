package dev.opsbook.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsbook.aws.AwsFakes;
import dev.opsbook.aws.AwsSettings;
import dev.opsbook.engine.RunStatus;
import dev.opsbook.graph.RunbookLoader;
import dev.opsbook.incident.IncidentGrouping;
import dev.opsbook.incident.Timeline;
import dev.opsbook.steps.StandardSteps;
import dev.opsbook.store.JdbcRunStore;
import dev.opsbook.store.RunQuery;
import dev.opsbook.store.RunStore;
import dev.opsbook.store.StoredRun;
import dev.opsbook.trigger.TriggerPatternCheck;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Incidents from real runs in a store: two runs launched under one incident id (one answered by a person, one commented
 * on), one event that starts two runbooks, and an alarm that fires twice within the window (its runs fail and roll back).
 */
@Timeout(120)
class IncidentRunsTest {

    static final String DISK = "arn:aws:cloudwatch:us-east-1:123456789012:alarm:disk-full";

    @TempDir
    Path dir;

    private RunStore store;
    private Service service;
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    @BeforeEach
    void start() throws Exception {
        AwsFakes.fakeCredentials();
        Path runbooks = Files.createDirectories(dir.resolve("runbooks"));
        for (String name : List.of("disk-full.md", "deploy-rollback.md", "deploy-notify.md", "confirm.md")) {
            Files.write(runbooks.resolve(name), getClass().getResourceAsStream("/incident/" + name).readAllBytes());
        }
        store = JdbcRunStore.open(JdbcRunStore.embeddedUrl(dir.resolve("store")), "", "");
        RunbookLoader loader = new RunbookLoader(StandardSteps.all().catalog(), List.of(new TriggerPatternCheck()));
        service = new Service(new Service.Config(List.of(runbooks), dir.resolve("records"),
                new AwsSettings(Optional.of("us-east-1"), Optional.empty(), Optional.empty()), 3, 8, dir),
                store, loader, new PrintStream(log, true, StandardCharsets.UTF_8));
        service.linkingTo(Optional.of(URI.create("https://opsbook.example.com")));
        service.start();
    }

    @AfterEach
    void stop() {
        service.close();
        store.close();
    }

    static String alarmEvent(String id, String time) {
        return """
                {"version":"0","id":"%s","detail-type":"CloudWatch Alarm State Change","source":"aws.cloudwatch","account":"123456789012",
                 "time":"%s","region":"us-east-1","resources":["%s"],
                 "detail":{"alarmName":"disk-full","state":{"value":"ALARM","reason":"Threshold Crossed: disk used 97%%"}}}"""
                .formatted(id, time, DISK);
    }

    static final String DEPLOY_FAILED = """
            {"version":"0","id":"deploy-evt-1","detail-type":"Deploy Failed","source":"opsbook.test","account":"123456789012",
             "time":"2026-12-02T03:10:00Z","region":"us-east-1","resources":[],"detail":{"release":"r42"}}""";

    private void offer(String event) {
        assertThat(service.intake().offer("sqs", event, 1).verdict()).as(log.toString(StandardCharsets.UTF_8)).isEqualTo(EventIntake.Verdict.DONE);
    }

    private List<StoredRun> runs(String runbook) {
        return store.runs(new RunQuery(Optional.of(runbook), Optional.empty(), Optional.empty(), 10));
    }

    private boolean ended(String runbook, int count) {
        List<StoredRun> runs = runs(runbook);
        return runs.size() == count && runs.stream().allMatch(r -> r.endedAt().isPresent() && r.status() != RunStatus.RUNNING
                && r.status() != RunStatus.WAITING);
    }

    private void eventually(String what, BooleanSupplier condition) throws InterruptedException {
        dev.opsbook.testing.Eventually.until(what, Duration.ofSeconds(60), condition, () -> log.toString(StandardCharsets.UTF_8));
    }

    /** Starts every kind of incident and waits until their runs have ended. */
    private String tagged() throws Exception {
        offer(alarmEvent("alarm-evt-1", Instant.now().minusSeconds(60).toString()));
        eventually("the first disk-full run ends", () -> ended("disk-full", 1));
        offer(alarmEvent("alarm-evt-2", Instant.now().toString()));
        offer(DEPLOY_FAILED);
        String confirm = service.operations().launch(service.operations().runbook("confirm").orElseThrow(), Map.of(), "alice", "api",
                Optional.of("INC-7"));
        service.operations().launch(service.operations().runbook("deploy-notify").orElseThrow(), Map.of(), "alice", "web", Optional.of("INC-7"));
        eventually("confirm waits for a person", () -> store.run(confirm).map(r -> r.status() == RunStatus.WAITING).orElse(false));
        service.operations().answer(confirm, "look", true, "bob", "error rate is 0.2%");
        service.operations().comments().add(confirm, Optional.of("look"), "the dashboard lagged by five minutes", "carol", "api");
        eventually("every run ends", () -> ended("disk-full", 2) && ended("deploy-rollback", 1) && ended("deploy-notify", 2)
                && ended("confirm", 1));
        return confirm;
    }

    @Test
    void runs_tagged_started_by_one_event_or_by_one_alarm_within_the_window_are_listed_as_three_incidents() throws Exception {
        String confirm = tagged();

        List<IncidentGrouping.Group> recent = service.incidents().recent(10);

        assertThat(recent).extracting(IncidentGrouping.Group::kind).containsExactlyInAnyOrder(IncidentGrouping.Kind.TAGGED,
                IncidentGrouping.Kind.EVENT, IncidentGrouping.Kind.ALARM);
        IncidentGrouping.Group tagged = recent.stream().filter(g -> g.id().equals("INC-7")).findFirst().orElseThrow();
        assertThat(tagged.runs()).extracting(StoredRun::runbookId).containsExactlyInAnyOrder("confirm", "deploy-notify");
        IncidentGrouping.Group alarm = recent.stream().filter(g -> g.kind() == IncidentGrouping.Kind.ALARM).findFirst().orElseThrow();
        assertThat(alarm.label()).isEqualTo("alarm disk-full");
        assertThat(alarm.runs()).hasSize(2).allSatisfy(r -> assertThat(r.alarm()).contains(DISK));
        IncidentGrouping.Group event = recent.stream().filter(g -> g.kind() == IncidentGrouping.Kind.EVENT).findFirst().orElseThrow();
        assertThat(event.runs()).extracting(StoredRun::runbookId).containsExactlyInAnyOrder("deploy-rollback", "deploy-notify");
        assertThat(service.incidents().group(alarm.id()).map(g -> g.runs().size())).as("found again by its id").contains(2);
        assertThat(service.incidents().group(event.id()).map(g -> g.runs().size())).contains(2);
        assertThat(service.incidents().incidentOf(alarm.runs().get(1).id())).contains(alarm.id());
        assertThat(service.incidents().incidentOf(confirm)).contains("INC-7");
        assertThat(store.runs(RunQuery.latest(0).withIncident(Optional.of("INC-7")))).hasSize(2);
    }

    @Test
    void the_timeline_of_a_tagged_incident_says_who_answered_and_commented_and_its_draft_has_every_section_filled() throws Exception {
        String confirm = tagged();

        IncidentRuns.Incident incident = service.incidents().incident("INC-7").orElseThrow();

        assertThat(incident.timeline()).anySatisfy(e -> {
            assertThat(e.kind()).isEqualTo(Timeline.Kind.ANSWERED);
            assertThat(e.who()).isEqualTo("bob");
            assertThat(e.runId()).isEqualTo(confirm);
        });
        assertThat(incident.timeline()).anySatisfy(e -> assertThat(e.what()).isEqualTo("carol commented on step look: the dashboard lagged by five minutes"));
        assertThat(incident.facts().resolved()).isPresent();
        String draft = service.incidents().report("INC-7", service.publicUrl()).orElseThrow();
        assertThat(draft).contains("# Incident INC-7", "## Summary", "- Runs: 2 of confirm, deploy-notify",
                "## What fired\n\nNo event: the runs were started by people.",
                "[" + confirm + "](https://opsbook.example.com/runs/" + confirm + ")",
                "## Who was told and who acted", "| bob | bob confirmed look: error rate is 0.2% |",
                "## What failed\n\nNothing failed.", "## Open questions", "Manual step look of " + confirm, "## Timeline");
    }

    @Test
    void the_draft_of_an_alarm_incident_says_what_fired_what_failed_without_a_handler_and_what_was_rolled_back() throws Exception {
        tagged();
        IncidentGrouping.Group alarm = service.incidents().recent(10).stream().filter(g -> g.kind() == IncidentGrouping.Kind.ALARM)
                .findFirst().orElseThrow();

        String draft = service.incidents().report(alarm.id(), Optional.empty()).orElseThrow();

        assertThat(draft).contains("# Incident " + alarm.id() + " (alarm disk-full)",
                "- Incident: " + alarm.id() + " (the runs alarm disk-full started)",
                " UTC: alarm disk-full went to ALARM: Threshold Crossed: disk used 97% (event alarm-evt-1)",
                "(event alarm-evt-2)", "](/runs/" + alarm.runs().get(0).id() + ")", "step verify failed",
                "rollback restore/for-clean succeeded", "Step verify of " + alarm.runs().get(0).id() + " (disk-full) failed and no on-failure handler ran",
                "- Time to resolution: ");
        assertThat(draft).doesNotContain("Nothing was rolled back", "Nothing failed");
    }

    @Test
    void an_unknown_incident_is_none() throws Exception {
        assertThat(service.incidents().incident("INC-404")).isEmpty();
        assertThat(service.incidents().incident("alarm-20261202-000000-nosuchrun")).isEmpty();
    }
}
