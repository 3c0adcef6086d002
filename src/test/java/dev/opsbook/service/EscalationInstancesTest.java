package dev.opsbook.service;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.opsbook.aws.AwsSettings;
import dev.opsbook.engine.RunStatus;
import dev.opsbook.graph.RunbookLoader;
import dev.opsbook.steps.StandardSteps;
import dev.opsbook.store.Escalations;
import dev.opsbook.store.PostgresStores;
import dev.opsbook.store.RunQuery;
import dev.opsbook.store.RunStore;
import dev.opsbook.store.StoredRun;
import dev.opsbook.trigger.TriggerPatternCheck;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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
 * Two serve instances on one PostgreSQL store (the embedded H2 serves one instance), both ticking over the same waiting run: each tier is told once, by whichever instance
 * claims it in the store, and a third instance started later tells nothing again. WireMock is every tier's webhook.
 */
@Timeout(90)
class EscalationInstancesTest {

    @TempDir
    Path dir;

    private WireMockServer hooks;
    private RunStore store;
    private String url;
    private final List<RunStore> stores = new ArrayList<>();
    private Path runbooks;
    private final List<Service> services = new ArrayList<>();
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    @BeforeEach
    void prepare() throws Exception {
        hooks = new WireMockServer(options().dynamicPort());
        hooks.start();
        for (String hook : List.of("/hooks/tier1", "/hooks/tier2", "/hooks/tier3")) {
            hooks.stubFor(post(hook).willReturn(aResponse().withStatus(200)));
        }
        runbooks = Files.createDirectories(dir.resolve("runbooks"));
        // webhooks only: no AWS here
        String text = new String(getClass().getResourceAsStream("/escalation/tiered.md").readAllBytes(), StandardCharsets.UTF_8)
                .replace("  - sns: arn:aws:sns:us-east-1:123456789012:oncall\n    webhook:", "  - webhook:")
                .replace("    pagerduty: R0UT1NGKEYT1ER1abcdef0123456789a\n", "").replace("HOOKS", hooks.baseUrl() + "/hooks")
                .replace("TIER2_AFTER", "1s").replace("TIER3_AFTER", "1s");
        Files.writeString(runbooks.resolve("tiered.md"), text);
        url = PostgresStores.newSchemaUrl();
        store = PostgresStores.open(url);
    }

    @AfterEach
    void stop() {
        services.forEach(Service::close);
        stores.forEach(RunStore::close);
        store.close();
        hooks.stop();
    }

    private Service start(String instance) {
        RunStore own = PostgresStores.open(url); // //why: each instance its own pool, as separate processes have
        stores.add(own);
        RunbookLoader loader = new RunbookLoader(StandardSteps.all().catalog(), List.of(new TriggerPatternCheck()));
        Service service = new Service(new Service.Config(List.of(runbooks), dir.resolve("records"),
                new AwsSettings(Optional.of("us-east-1"), Optional.empty(), Optional.empty()), 3, 4, dir,
                new Service.Leasing(instance, Duration.ofSeconds(2), Clock.systemUTC())), own, loader,
                new PrintStream(log, true, StandardCharsets.UTF_8));
        service.start();
        services.add(service);
        return service;
    }

    private int told(String hook) {
        return hooks.findAll(postRequestedFor(urlEqualTo(hook))).size();
    }

    private void eventually(String what, BooleanSupplier condition) throws InterruptedException {
        dev.opsbook.testing.Eventually.until(what, Duration.ofSeconds(30), condition, () -> log.toString(StandardCharsets.UTF_8));
    }

    @Test
    void two_instances_over_one_waiting_run_tell_each_tier_once_and_a_restarted_one_tells_nothing_again() throws Exception {
        Service first = start("instance-a");
        start("instance-b");
        assertThat(first.intake().offer("sqs", """
                {"version":"0","id":"chg-9","detail-type":"Change Request","source":"opsbook.test","account":"1","time":"2026-11-23T03:00:00Z",
                 "region":"us-east-1","resources":[],"detail":{"change":"CHG-9"}}""", 1).verdict()).isEqualTo(EventIntake.Verdict.DONE);
        eventually("the run waits", () -> store.runs(new RunQuery(Optional.of("tiered"), Optional.of(RunStatus.WAITING), Optional.empty(), 5))
                .size() == 1);
        StoredRun run = store.runs(new RunQuery(Optional.of("tiered"), Optional.empty(), Optional.empty(), 5)).get(0);

        eventually("all three tiers are told", () -> told("/hooks/tier3") >= 1);
        List<Escalations.Notice> notices = store.notices(run.id());
        assertThat(notices).extracting(Escalations.Notice::tier).containsExactly(0, 1, 2);
        assertThat(notices).extracting(Escalations.Notice::toldBy).allSatisfy(by -> assertThat(by).isIn("instance-a", "instance-b"));

        start("instance-c"); // //why: like a restart: it finds in the store that people were told
        Instant settled = Instant.now().plusSeconds(3); // a tick of every instance (2 s) and more
        Thread.sleep(Duration.between(Instant.now(), settled).toMillis());
        assertThat(List.of(told("/hooks/tier1"), told("/hooks/tier2"), told("/hooks/tier3"))).as("each tier once").containsExactly(1, 1, 1);

        assertThat(Acknowledgements.acknowledge(store, run.id(), "erin", "opsbook ack", Clock.systemUTC())).contains("acknowledged run " + run.id());
        eventually("an instance stops the escalation", () -> store.notices(run.id()).stream().allMatch(n -> n.closedHow().isPresent())
                && store.auditChains().read(run.id()).lines().stream().anyMatch(l -> l.contains("\"escalation-stopped\"")));
        Thread.sleep(2500); // //why: a tick of every instance more, to see that no other instance stops it again
        assertThat(store.auditChains().read(run.id()).lines()).filteredOn(l -> l.contains("\"escalation-stopped\"")).singleElement()
                .asString().contains("erin (acknowledged)");
        assertThat(store.auditChains().read(run.id()).lines()).filteredOn(l -> l.contains("\"escalation-told\"")).hasSize(3);
    }
}
