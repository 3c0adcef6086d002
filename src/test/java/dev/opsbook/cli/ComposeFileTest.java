package dev.opsbook.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import picocli.CommandLine;

/**
 * What can be checked of docker/compose.yaml without a Docker engine: two instances of the image, each serve
 * command one serve takes, every OPSBOOK_* variable one serve reads, the store, queue and fake AWS they name are
 * services of the file set up to match (the database and its user, the queue ElasticMQ creates, WireMock's mappings),
 * one shared records volume, and dependencies that exist and wait for what has a health check.
 */
class ComposeFileTest {

    private static final Path DIR = Path.of("docker");

    private Map<String, Map<String, Object>> services;
    private Map<String, Object> compose;
    private Map<String, String> imageEnvironment;

    @BeforeEach
    @SuppressWarnings("unchecked")
    void read() throws IOException {
        compose = new Yaml().load(Files.readString(DIR.resolve("compose.yaml"))); // SnakeYAML resolves the << merge keys
        services = (Map<String, Map<String, Object>>) compose.get("services");
        imageEnvironment = Dockerfile.read(DockerImageTest.DOCKERFILE).last().environment();
    }

    /** The services built from docker/Dockerfile. */
    @SuppressWarnings("unchecked")
    private Map<String, Map<String, Object>> instances() {
        Map<String, Map<String, Object>> found = new LinkedHashMap<>();
        services.forEach((name, service) -> {
            if (service.get("build") instanceof Map<?, ?> build && "docker/Dockerfile".equals(build.get("dockerfile"))) {
                assertThat(DIR.resolve((String) build.get("context")).resolve("docker/Dockerfile")).exists();
                found.put(name, service);
            }
        });
        return found;
    }

    /** An instance's environment: the image's, then the service's. */
    @SuppressWarnings("unchecked")
    private Map<String, String> environment(Map<String, Object> service) {
        Map<String, String> env = new LinkedHashMap<>(imageEnvironment);
        ((Map<String, Object>) service.getOrDefault("environment", Map.of())).forEach((k, v) -> env.put(k, String.valueOf(v)));
        return env;
    }

    @SuppressWarnings("unchecked")
    private static List<String> strings(Object list) {
        return list == null ? List.of() : ((List<Object>) list).stream().map(String::valueOf).toList();
    }

    @Test
    void two_instances_of_one_image_run_serve_each_under_its_own_name_with_options_serve_takes() {
        assertThat(instances()).hasSizeGreaterThanOrEqualTo(2);
        assertThat(instances().values().stream().map(s -> s.get("image")).distinct()).hasSize(1);
        Set<String> names = new HashSet<>();
        for (Map<String, Object> service : instances().values()) {
            List<String> command = strings(service.get("command"));
            CommandLine.ParseResult parsed = Main.commandLine().parseArgs(command.toArray(String[]::new));
            CommandLine.ParseResult serve = parsed.subcommand();
            assertThat(serve.commandSpec().name()).isEqualTo("serve");
            assertThat(names.add(serve.matchedOptionValue("--instance", ""))).as("instance names differ: " + command).isTrue();
        }
    }

    @Test
    void each_instance_publishes_its_own_host_port_onto_the_port_serve_listens_on_on_every_interface() {
        Set<String> hostPorts = new HashSet<>();
        for (Map.Entry<String, Map<String, Object>> instance : instances().entrySet()) {
            Map<String, String> env = environment(instance.getValue());
            assertThat(env).containsEntry(Setting.HTTP_HOST.environment(), "0.0.0.0");
            List<String> ports = strings(instance.getValue().get("ports"));
            assertThat(ports).as(instance.getKey()).hasSize(1);
            String[] mapping = ports.get(0).split(":");
            assertThat(mapping[mapping.length - 1]).isEqualTo(env.get(Setting.HTTP_PORT.environment()));
            assertThat(hostPorts.add(mapping[0])).as("host port " + mapping[0] + " is published once").isTrue();
        }
    }

    @Test
    void every_OPSBOOK_variable_the_compose_file_names_is_one_serve_reads() throws IOException {
        assertThat(DockerImageTest.opsbookVariables(Files.readString(DIR.resolve("compose.yaml"))))
                .isNotEmpty().isSubsetOf(Setting.environmentVariables());
    }

    @Test
    @SuppressWarnings("unchecked")
    void the_store_is_the_postgresql_service_with_its_database_user_and_password() {
        for (Map<String, Object> instance : instances().values()) {
            Map<String, String> env = environment(instance);
            URI store = URI.create(env.get(Setting.STORE.environment()).substring("jdbc:".length()));
            assertThat(store.getScheme()).isEqualTo("postgresql");
            Map<String, Object> postgres = services.get(store.getHost());
            assertThat(postgres).as("a service named " + store.getHost()).isNotNull();
            assertThat((String) postgres.get("image")).startsWith("postgres:");
            Map<String, Object> pg = (Map<String, Object>) postgres.get("environment");
            assertThat(store.getPath()).isEqualTo("/" + pg.get("POSTGRES_DB"));
            assertThat(store.getPort()).isIn(-1, 5432);
            assertThat(env).containsEntry(Setting.STORE_USER.environment(), String.valueOf(pg.get("POSTGRES_USER")))
                    .containsEntry(Setting.STORE_PASSWORD.environment(), String.valueOf(pg.get("POSTGRES_PASSWORD")));
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void the_queue_is_one_elasticmq_creates_from_its_configuration_with_a_dead_letter_queue() {
        for (Map<String, Object> instance : instances().values()) {
            URI queue = URI.create(environment(instance).get(Setting.QUEUE_URL.environment()));
            Map<String, Object> sqs = services.get(queue.getHost());
            assertThat(sqs).as("a service named " + queue.getHost()).isNotNull();
            assertThat((String) sqs.get("image")).startsWith("softwaremill/elasticmq");
            String mount = strings(sqs.get("volumes")).stream().filter(v -> v.contains(":/opt/elasticmq.conf")).findFirst().orElseThrow();
            Config conf = ConfigFactory.parseFile(DIR.resolve(mount.split(":")[0]).toFile()).resolve();
            assertThat(queue.getPort()).isEqualTo(conf.getInt("rest-sqs.bind-port"));
            String[] path = queue.getPath().substring(1).split("/");
            assertThat(path[0]).isEqualTo(conf.getString("aws.accountId"));
            Config created = conf.getConfig("queues");
            assertThat(created.hasPath(path[1])).as("elasticmq.conf creates " + path[1]).isTrue();
            String dead = created.getString(path[1] + ".deadLettersQueue.name");
            assertThat(created.hasPath(dead) || created.root().containsKey(dead)).as("the dead-letter queue " + dead + " is created").isTrue();
        }
    }

    @Test
    void the_steps_aws_endpoint_is_the_wiremock_service_with_the_mappings_for_the_examples() throws IOException {
        for (Map<String, Object> instance : instances().values()) {
            List<String> command = strings(instance.get("command"));
            URI endpoint = URI.create(command.get(command.indexOf("--endpoint-url") + 1));
            Map<String, Object> aws = services.get(endpoint.getHost());
            assertThat(aws).as("a service named " + endpoint.getHost()).isNotNull();
            assertThat((String) aws.get("image")).startsWith("wiremock/wiremock:");
            assertThat(endpoint.getPort()).isEqualTo(8080); // WireMock's port in its image
            String mount = strings(aws.get("volumes")).stream().filter(v -> v.contains(":/home/wiremock/mappings")).findFirst().orElseThrow();
            try (var files = Files.list(DIR.resolve(mount.split(":")[0]))) {
                assertThat(files.map(p -> p.getFileName().toString()).toList()).contains("ec2.json", "ecs.json", "lambda.json");
            }
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void every_instance_writes_records_to_one_named_volume_at_the_image_records_folder_and_reads_the_runbooks_it_copies() {
        Set<String> volumes = new HashSet<>();
        for (Map<String, Object> instance : instances().values()) {
            Map<String, String> env = environment(instance);
            String records = env.get(Setting.RECORD_DIR.environment());
            assertThat(records).isEqualTo(imageEnvironment.get(Setting.RECORD_DIR.environment()));
            strings(instance.get("volumes")).stream().filter(v -> v.endsWith(":" + records)).forEach(v -> volumes.add(v.split(":")[0]));
            assertThat(env.get(Setting.RUNBOOKS.environment())).isEqualTo(imageEnvironment.get(Setting.RUNBOOKS.environment()));
        }
        assertThat(volumes).hasSize(1);
        assertThat(((Map<String, Object>) compose.get("volumes"))).containsKey(volumes.iterator().next());
    }

    @Test
    @SuppressWarnings("unchecked")
    void dependencies_name_services_of_the_file_and_wait_for_health_only_where_there_is_a_health_check() {
        for (Map.Entry<String, Map<String, Object>> service : services.entrySet()) {
            Object dependsOn = service.getValue().get("depends_on");
            if (dependsOn == null) {
                continue;
            }
            Map<String, Object> dependencies = dependsOn instanceof List<?> list ? new LinkedHashMap<>() : (Map<String, Object>) dependsOn;
            if (dependsOn instanceof List<?> list) {
                list.forEach(name -> dependencies.put(String.valueOf(name), Map.of()));
            }
            for (Map.Entry<String, Object> dependency : dependencies.entrySet()) {
                assertThat(services).as(service.getKey() + " depends on " + dependency.getKey()).containsKey(dependency.getKey());
                assertThat(dependency.getKey()).isNotEqualTo(service.getKey());
                assertThat(services.get(dependency.getKey()).get("depends_on")).as("no cycle").satisfiesAnyOf(
                        d -> assertThat(d).isNull(), d -> assertThat(String.valueOf(d)).doesNotContain(service.getKey()));
                if ("service_healthy".equals(((Map<String, Object>) dependency.getValue()).get("condition"))) {
                    assertThat(services.get(dependency.getKey())).as(dependency.getKey() + " has a health check").containsKey("healthcheck");
                }
            }
        }
        for (Map<String, Object> instance : instances().values()) {
            assertThat(String.valueOf(instance.get("depends_on"))).contains("service_healthy");
        }
    }

    @Test
    void docker_stop_waits_longer_than_serve_drains() {
        for (Map<String, Object> instance : instances().values()) {
            List<String> command = new ArrayList<>(strings(instance.get("command")));
            ServeCommand serve = Main.commandLine().parseArgs(command.toArray(String[]::new)).subcommand().commandSpec().commandLine().getCommand();
            Duration drain = dev.opsbook.runbook.Durations.parse(serve.drain).orElseThrow();
            Duration grace = dev.opsbook.runbook.Durations.parse(String.valueOf(instance.get("stop_grace_period"))).orElseThrow();
            assertThat(grace).isGreaterThan(drain);
        }
    }
}
