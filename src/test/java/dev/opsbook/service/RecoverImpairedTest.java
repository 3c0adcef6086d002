package dev.opsbook.service;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.opsbook.aws.AwsClients;
import dev.opsbook.aws.AwsFakes;
import dev.opsbook.aws.AwsSettings;
import dev.opsbook.engine.Engine;
import dev.opsbook.engine.Interaction;
import dev.opsbook.engine.RunControl;
import dev.opsbook.engine.RunIds;
import dev.opsbook.engine.RunRequest;
import dev.opsbook.engine.RunResult;
import dev.opsbook.engine.RunStatus;
import dev.opsbook.engine.SecretResolver;
import dev.opsbook.engine.StepExecutors;
import dev.opsbook.graph.LoadedRunbook;
import dev.opsbook.graph.RunbookCatalog;
import dev.opsbook.graph.RunbookLoader;
import dev.opsbook.graph.SubRunbooks;
import dev.opsbook.steps.StandardSteps;
import dev.opsbook.store.JdbcRunStore;
import dev.opsbook.store.RunStore;
import dev.opsbook.store.StoredRun;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * runbooks/ec2-recover-impaired.md against WireMock standing in for EC2: three impaired instances, recovered two at a
 * time, each by a child run of ec2-recover; one of them has a failing host, so its child stops before rebooting and fails,
 * which {@code max-errors=1} allows.
 */
class RecoverImpairedTest {

    private static final String A = "i-0aaaaaaaaaaaaaaa1";
    private static final String B = "i-0bbbbbbbbbbbbbbb2";
    private static final String C = "i-0ccccccccccccccc3";

    @TempDir
    Path dir;

    private static String status(String id, String system, String instance) {
        return "<item><instanceId>" + id + "</instanceId><availabilityZone>us-east-1a</availabilityZone><instanceState><code>16</code>"
                + "<name>running</name></instanceState><systemStatus><status>" + system + "</status></systemStatus>"
                + "<instanceStatus><status>" + instance + "</status></instanceStatus></item>";
    }

    @Test
    void each_impaired_instance_is_recovered_by_a_child_run_and_one_failing_child_is_allowed() throws Exception {
        AwsFakes.fakeCredentials();
        WireMockServer ec2 = new WireMockServer(options().dynamicPort());
        ec2.start();
        RunStore store = JdbcRunStore.open(JdbcRunStore.embeddedUrl(dir.resolve("store")), "", "");
        try {
            ec2.stubFor(post("/").atPriority(1).withRequestBody(containing("Filter.2.Name=instance-status.status"))
                    .willReturn(AwsFakes.ec2("DescribeInstanceStatus", "req-impaired", "<instanceStatusSet>" + status(A, "ok", "impaired")
                            + status(B, "impaired", "impaired") + status(C, "ok", "impaired") + "</instanceStatusSet>")));
            for (String id : List.of(A, B, C)) {
                ec2.stubFor(post("/").atPriority(2).withRequestBody(containing("IncludeAllInstances=true"))
                        .withRequestBody(containing("InstanceId.1=" + id))
                        .willReturn(AwsFakes.ec2("DescribeInstanceStatus", "req-status-" + id, "<instanceStatusSet>"
                                + status(id, id.equals(B) ? "impaired" : "ok", "impaired") + "</instanceStatusSet>")));
                ec2.stubFor(post("/").atPriority(3).withRequestBody(containing("InstanceId.1=" + id))
                        .withRequestBody(containing("Action=DescribeInstanceStatus"))
                        .willReturn(AwsFakes.ec2("DescribeInstanceStatus", "req-healthy-" + id, "<instanceStatusSet>"
                                + status(id, "ok", "ok") + "</instanceStatusSet>")));
            }
            ec2.stubFor(post("/").withRequestBody(containing("Action=RebootInstances"))
                    .willReturn(AwsFakes.ec2("RebootInstances", "req-reboot", "<return>true</return>")));
            ec2.stubFor(post("/").withRequestBody(containing("Action=CreateTags"))
                    .willReturn(AwsFakes.ec2("CreateTags", "req-tag", "<return>true</return>")));

            RunbookLoader loader = new RunbookLoader(StandardSteps.all().catalog());
            RunbookCatalog catalog = RunbookCatalog.ofFolder(loader, Path.of("runbooks").toAbsolutePath());
            RecordExport export = RecordExport.of(dir.resolve("records"), new RunRecords(store, loader),
                    new PrintStream(PrintStream.nullOutputStream()));
            Interaction yes = prompt -> new Interaction.Answer(true, "tester", "", Instant.now(), "test");
            Clock clock = Clock.systemUTC();
            AwsSettings settings = new AwsSettings(Optional.empty(), Optional.empty(), Optional.of(URI.create(ec2.baseUrl())));
            RunResult result;
            String runId = RunIds.from(clock).get();
            try (AwsClients clients = new AwsClients(settings)) {
                StepExecutors[] executors = new StepExecutors[1];
                executors[0] = StandardSteps.with(clients, new ChildRunner(store, loader, catalog, new LocalChildren(store, loader,
                        () -> executors[0], clock, id -> SecretResolver.NONE, export, yes, System.err), clock));
                LoadedRunbook parent = SubRunbooks.check(loader.load(Path.of("runbooks/ec2-recover-impaired.md")), catalog);
                assertThat(parent.errors()).isEmpty();
                try (Engine engine = new Engine(executors[0], clock, () -> runId)) {
                    result = engine.run(new RunRequest(parent, Map.of(), "tester", "cli", yes, Optional.empty(), dir),
                            StoringListener.forNewRun(store, parent.runbook(), Optional.empty(), Optional.empty()), new RunControl());
                }
            }
            export.write(runId);

            assertThat(result.state().status()).as(result.state().message()).isEqualTo(RunStatus.SUCCEEDED);
            JsonNode items = result.state().context().path("steps").path("recover").path("items");
            List<String> rows = new ArrayList<>();
            items.forEach(row -> rows.add(row.path("item").asText() + " " + row.path("status").asText() + " " + row.path("result").path("run").asText()));
            assertThat(rows).containsExactly(A + " succeeded " + runId + ".recover-0-", B + " failed " + runId + ".recover-1-",
                    C + " succeeded " + runId + ".recover-2-");
            for (int i = 0; i < 3; i++) {
                StoredRun child = store.run(runId + ".recover-" + i + "-").orElseThrow();
                assertThat(child.runbookId()).isEqualTo("ec2-recover");
                assertThat(child.startedBy()).isEqualTo("runbook:" + runId + "/recover[" + i + "]");
                assertThat(child.status()).isEqualTo(i == 1 ? RunStatus.FAILED : RunStatus.SUCCEEDED);
                String childRecord = Files.readString(dir.resolve("records/ec2-recover/" + child.id() + ".md"));
                assertThat(childRecord).contains("Child run of [`" + runId + "`](../ec2-recover-impaired/" + runId + ".md)");
            }
            assertThat(store.run(runId + ".recover-1-").orElseThrow().status()).isEqualTo(RunStatus.FAILED);
            ec2.verify(2, postRequestedFor(urlEqualTo("/")).withRequestBody(containing("Action=RebootInstances")));
            ec2.verify(0, postRequestedFor(urlEqualTo("/")).withRequestBody(containing("InstanceId.1=" + B))
                    .withRequestBody(containing("Action=RebootInstances")));
            String record = Files.readString(dir.resolve("records/ec2-recover-impaired/" + runId + ".md"));
            for (int i = 0; i < 3; i++) {
                assertThat(record).contains("](../ec2-recover/" + runId + ".recover-" + i + "-.md)");
            }
        } finally {
            store.close();
            ec2.stop();
        }
    }
}
