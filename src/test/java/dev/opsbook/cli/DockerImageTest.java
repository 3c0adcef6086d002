package dev.opsbook.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * What can be checked of the image without a Docker engine (none on the CI machine): docker/Dockerfile builds
 * inside, runs serve as a non-root user with a readiness check on the port serve listens on, every OPSBOOK_*
 * variable it sets is one serve reads, and the runbooks and records are where those variables say. The image itself
 * is built and smoke-tested with docker build where an engine exists (README, "Run it locally with Docker Compose").
 */
class DockerImageTest {

    static final Path DOCKERFILE = Path.of("docker/Dockerfile");

    private Dockerfile dockerfile;
    private Dockerfile.Stage runtime;

    @BeforeEach
    void read() throws IOException {
        dockerfile = Dockerfile.read(DOCKERFILE);
        runtime = dockerfile.last();
    }

    @Test
    void the_image_is_built_inside_with_the_dependencies_a_layer_before_the_sources_and_runs_on_a_jre() {
        assertThat(dockerfile.stages()).hasSizeGreaterThanOrEqualTo(2);
        Dockerfile.Stage build = dockerfile.stages().get(0);
        assertThat(build.image()).startsWith("eclipse-temurin:17-jdk");
        List<String> steps = build.instructions().stream().map(i -> i.keyword() + " " + i.arguments()).toList();
        int pom = indexOf(steps, "COPY mvnw pom.xml");
        int dependencies = indexOf(steps, "RUN ./mvnw -B -q quarkus:go-offline");
        int sources = indexOf(steps, "COPY src/main/");
        int packaging = indexOf(steps, "RUN ./mvnw -B package -DskipTests");
        assertThat(List.of(pom, dependencies, sources, packaging)).as(String.join("\n", steps)).doesNotContain(-1).isSorted();

        assertThat(runtime.image()).isEqualTo("eclipse-temurin:17-jre");
        assertThat(runtime.all("COPY")).anySatisfy(copy -> assertThat(copy.arguments())
                .startsWith("--from=" + build.name().orElseThrow() + " /build/target/quarkus-app/"));
        assertThat(runtime.all("RUN")).noneSatisfy(run -> assertThat(run.arguments()).contains("mvnw"));
    }

    @Test
    void serve_runs_as_a_user_that_is_not_root_which_the_image_creates() {
        Dockerfile.Instruction user = runtime.last("USER").orElseThrow(() -> new AssertionError("the runtime stage has no USER"));
        String name = user.arguments().split(":")[0].strip();
        assertThat(name).isNotIn("root", "0");
        assertThat(runtime.all("RUN")).anySatisfy(run -> assertThat(run.arguments()).contains("useradd").contains(" " + name));
        assertThat(runtime.instructions().stream().filter(i -> i.line() > user.line()).map(Dockerfile.Instruction::keyword))
                .as("nothing after USER runs as root").doesNotContain("RUN");
    }

    @Test
    void serve_listens_on_every_interface_on_the_exposed_port_which_the_health_check_asks_for_readiness() {
        Map<String, String> env = runtime.environment();
        assertThat(env).containsEntry(Setting.HTTP_HOST.environment(), "0.0.0.0");
        String port = env.get(Setting.HTTP_PORT.environment());
        assertThat(port).as("the image says which port serve takes").matches("[0-9]+");
        assertThat(runtime.all("EXPOSE").stream().map(Dockerfile.Instruction::arguments)).containsExactly(port);

        String check = runtime.last("HEALTHCHECK").orElseThrow().arguments();
        Matcher url = Pattern.compile("http://127\\.0\\.0\\.1:([^/]+)(/\\S*?)\"?\\s").matcher(check);
        assertThat(url.find()).as(check).isTrue();
        assertThat(url.group(2)).isEqualTo("/q/health/ready");
        assertThat(url.group(1)).isIn(port, "${" + Setting.HTTP_PORT.environment() + "}");
        assertThat(check).contains("curl -f");
        assertThat(runtime.all("RUN")).anySatisfy(run -> assertThat(run.arguments()).contains("install").contains(" curl"));
    }

    @Test
    void every_OPSBOOK_variable_the_dockerfile_names_is_one_serve_reads() {
        assertThat(opsbookVariables(dockerfile.text())).isNotEmpty().isSubsetOf(Setting.environmentVariables());
    }

    @Test
    void the_image_runs_serve_with_options_serve_takes() {
        List<String> entrypoint = runtime.last("ENTRYPOINT").orElseThrow().words();
        assertThat(entrypoint).contains("java").endsWith("-jar", "/opt/opsbook/quarkus-run.jar");
        assertThat(runtime.all("WORKDIR").get(0).arguments()).isEqualTo("/opt/opsbook");
        assertThat(runtime.all("COPY")).anySatisfy(copy -> assertThat(copy.arguments()).endsWith("/quarkus-app/*.jar ./"));
        List<String> command = runtime.last("CMD").orElseThrow().words();
        assertThat(command).first().isEqualTo("serve");
        CommandLine.ParseResult parsed = Main.commandLine().parseArgs(command.toArray(String[]::new));
        assertThat(parsed.subcommand().commandSpec().name()).isEqualTo("serve");
    }

    @Test
    void runbooks_are_copied_where_OPSBOOK_RUNBOOKS_says_and_records_go_to_a_volume_the_user_may_write() {
        Map<String, String> env = runtime.environment();
        List<String> copied = runtime.all("COPY").stream().filter(c -> !c.arguments().startsWith("--from"))
                .map(c -> strip(c.words().get(c.words().size() - 1))).toList();
        for (String folder : env.get(Setting.RUNBOOKS.environment()).split(",")) {
            assertThat(copied).as("what the image copies into " + folder).anySatisfy(to -> assertThat(to).startsWith(strip(folder)));
        }
        String records = env.get(Setting.RECORD_DIR.environment());
        assertThat(records).isEqualTo("/records");
        assertThat(runtime.all("VOLUME").stream().map(Dockerfile.Instruction::arguments)).anySatisfy(v -> assertThat(v).contains("\"" + records + "\""));
        String user = runtime.last("USER").orElseThrow().arguments();
        assertThat(runtime.all("RUN")).anySatisfy(run -> assertThat(run.arguments()).containsPattern("chown " + user + ":" + user + " [^&]*" + records));
    }

    @Test
    void the_build_context_holds_what_the_dockerfile_copies_and_nothing_of_target_or_local_state() throws IOException {
        List<String> ignore = Files.readAllLines(Path.of(".dockerignore")).stream().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        for (Dockerfile.Stage stage : dockerfile.stages()) {
            for (Dockerfile.Instruction copy : stage.all("COPY")) {
                if (copy.arguments().startsWith("--from")) {
                    continue;
                }
                List<String> words = copy.words();
                for (String source : words.subList(0, words.size() - 1)) {
                    assertThat(Path.of(strip(source))).as("COPY " + source + " (line " + copy.line() + ")").exists();
                    assertThat(inContext(ignore, strip(source))).as(source + " is in the build context").isTrue();
                }
            }
        }
        for (String left : List.of("target", "src/test", ".opsbook", "records", ".git")) {
            assertThat(inContext(ignore, left)).as(left + " is left out of the build context").isFalse();
        }
    }

    /** .dockerignore's rule: the last pattern that matches the path, or one of its parent folders, decides. */
    private static boolean inContext(List<String> patterns, String path) {
        boolean in = true;
        for (String pattern : patterns) {
            boolean negated = pattern.startsWith("!");
            var matcher = FileSystems.getDefault().getPathMatcher("glob:" + (negated ? pattern.substring(1) : pattern));
            Path candidate = Path.of(path);
            for (Path prefix = candidate; prefix != null; prefix = prefix.getParent()) {
                if (matcher.matches(prefix)) {
                    in = negated;
                    break;
                }
            }
        }
        return in;
    }

    static List<String> opsbookVariables(String text) {
        List<String> found = new ArrayList<>();
        Matcher variable = Pattern.compile("\\bOPSBOOK_[A-Z0-9_]+").matcher(text);
        while (variable.find()) {
            found.add(variable.group());
        }
        return found;
    }

    private static String strip(String path) {
        return path.endsWith("/") && path.length() > 1 ? path.substring(0, path.length() - 1) : path;
    }

    private static int indexOf(List<String> steps, String prefix) {
        return Arrays.asList(steps.toArray(String[]::new)).stream().filter(s -> s.startsWith(prefix)).findFirst().map(steps::indexOf).orElse(-1);
    }
}
