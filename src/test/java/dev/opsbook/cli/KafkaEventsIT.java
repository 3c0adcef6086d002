package dev.opsbook.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A team that already runs Kafka points serve at it by configuration alone: a real broker (one
 * KRaft node, broker and controller in one, in this JVM, from Apache Kafka's own test kit; no
 * ZooKeeper, no container), and the packaged jar run as a user runs it, with only
 * {@code config/application.properties} saying connector, topic and bootstrap servers.
 */
class KafkaEventsIT {

    private static final String TOPIC = "opsbook-events";

    @TempDir
    Path dir;

    private KafkaClusterTestKit kafka;
    private Process serve;
    private final List<String> output = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        kafka = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder().setCombined(true)
                .setNumBrokerNodes(1).setNumControllerNodes(1).setBaseDirectory(Files.createDirectories(dir.resolve("kafka"))).build())
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .build();
        kafka.format();
        kafka.startup();
        kafka.waitForReadyBrokers();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }

        Path runbooks = Files.createDirectories(dir.resolve("runbooks"));
        for (String name : List.of("disk-alarm.md", "gated.md")) {
            String text = new String(getClass().getResourceAsStream("/service/" + name).readAllBytes(), StandardCharsets.UTF_8)
                    .replace("ESCALATION_URL", "http://127.0.0.1:9/escalate");
            Files.writeString(runbooks.resolve(name), text);
        }
        Files.writeString(Files.createDirectories(dir.resolve("config")).resolve("application.properties"), """
                mp.messaging.incoming.events.connector=smallrye-kafka
                mp.messaging.incoming.events.topic=%s
                kafka.bootstrap.servers=%s
                """.formatted(TOPIC, kafka.bootstrapServers()));

        serve = Cli.builder(dir, "serve", "--runbooks", "runbooks", "--port", "0", "--record-dir", "records").redirectErrorStream(true).start();
        BufferedReader lines = new BufferedReader(new InputStreamReader(serve.getInputStream(), StandardCharsets.UTF_8));
        Thread reader = new Thread(() -> {
            try {
                String line;
                while ((line = lines.readLine()) != null) {
                    output.add(line);
                }
            } catch (java.io.IOException e) {
                // the process ended
            }
        });
        reader.setDaemon(true);
        reader.start();
        eventually("serve prints what it consumes and where it listens", () -> output.stream().anyMatch(l -> l.startsWith("http: ")));
    }

    @AfterEach
    void stop() throws Exception {
        if (serve != null && serve.isAlive()) {
            serve.destroy(); // SIGTERM
            serve.waitFor(30, TimeUnit.SECONDS);
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void events_produced_to_a_kafka_topic_start_runs_once_each_and_serve_starts_no_queue_of_its_own() throws Exception {
        assertThat(output).as("what serve consumes instead of a queue").contains("events: kafka topic " + TOPIC + " at " + kafka.bootstrapServers())
                .noneMatch(l -> l.startsWith("queue: "));
        String alarm = """
                {"version":"0","id":"kafka-alarm-1","detail-type":"Disk Alarm","source":"opsbook.test","account":"123456789012",
                 "time":"2026-11-23T03:00:00Z","region":"us-east-1","resources":[],"detail":{"host":"web-7","percent":97}}""";
        Properties producerConfig = new Properties();
        producerConfig.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(TOPIC, "kafka-alarm-1", alarm)).get(30, TimeUnit.SECONDS);
            eventually("the matching runbook ran and left its record", () -> records("disk-alarm").size() == 1
                    && read(records("disk-alarm").get(0)).contains("status: succeeded"));
            // the same event again, then another: once the other has started its run, the one before it was handled too
            producer.send(new ProducerRecord<>(TOPIC, "kafka-alarm-1", alarm)).get(30, TimeUnit.SECONDS);
            producer.send(new ProducerRecord<>(TOPIC, "kafka-change-1", """
                    {"version":"0","id":"kafka-change-1","detail-type":"Change Request","source":"opsbook.test","account":"1",
                     "time":"2026-11-23T03:00:00Z","region":"us-east-1","resources":[],"detail":{"change":"CHG-7"}}""")).get(30, TimeUnit.SECONDS);
        }
        assertThat(read(records("disk-alarm").get(0))).contains("cleaning web-7 at 97% for event kafka-alarm-1", "id: kafka-alarm-1");
        eventually("the gated run waits", () -> records("gated").size() == 1 && read(records("gated").get(0)).contains("status: waiting"));
        assertThat(records("disk-alarm")).as("the same event again started nothing").hasSize(1);

        Cli.Result runs = Cli.run(dir, "runs");
        assertThat(runs.exitCode()).as(runs.all()).isZero();
        assertThat(runs.stdout()).contains("disk-alarm", "succeeded", "gated", "waiting");
        String metrics = get(httpUrl() + "/q/metrics");
        assertThat(metrics).as("the records and metrics name the channel kafka")
                .contains("opsbook_events_handled_total{channel=\"kafka\",outcome=\"started\"} 2.0")
                .contains("opsbook_events_handled_total{channel=\"kafka\",outcome=\"duplicate\"} 1.0");

        serve.destroy(); // SIGTERM
        assertThat(serve.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(serve.exitValue()).as(String.join("\n", output)).isZero();
    }

    private String httpUrl() {
        return output.stream().filter(l -> l.startsWith("http: ")).findFirst().orElseThrow().substring(6);
    }

    private static String get(String url) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(url + ": " + response.body()).isEqualTo(200);
        return response.body();
    }

    private void eventually(String what, BooleanSupplier condition) throws InterruptedException {
        dev.opsbook.testing.Eventually.until(what, Duration.ofSeconds(60), condition, () -> String.join("\n", output),
                () -> serve == null || serve.isAlive());
    }

    private List<Path> records(String runbook) {
        Path folder = dir.resolve("records").resolve(runbook);
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(p -> p.toString().endsWith(".md")).toList();
        } catch (java.io.IOException e) {
            return List.of();
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
