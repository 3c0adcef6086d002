package dev.opsbook.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsbook.testing.Eventually;
import dev.opsbook.testing.Processes;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code opsbook serve} as a process on the embedded store: a port that is taken, no runbook to serve, every
 * interface ({@code --host 0.0.0.0}), and an instance
 * killed with {@code kill -9} while a shell step runs: its step's processes end with it, and a
 * serve started again at once takes over, without waiting out the dead instance's lease.
 */
class ServeProcessIT {

    private static final String HOLD = """
            ---
            title: Holds a shell step with processes of its own
            ---

            The first time, the step starts a child and a detached process and waits; taken over, it ends.

            ```shell id=hold
            if [ -e started-once ]; then exit 0; fi
            touch started-once
            sleep 300 &
            echo $! > child.pid
            (sleep 301 & echo $! > detached.pid)
            echo $$ > script.pid
            wait
            ```
            """;

    @TempDir
    Path dir;

    private final List<Serve> serves = new ArrayList<>();
    private final List<Long> pids = new ArrayList<>();

    /** One serve process and what it printed. */
    private record Serve(Process process, List<String> output) {

        String said() {
            return String.join("\n", output);
        }

        String httpUrl() {
            return output.stream().filter(l -> l.startsWith("http: ")).findFirst().orElseThrow().substring(6);
        }
    }

    @BeforeEach
    void runbooks() throws Exception {
        Files.writeString(Files.createDirectories(dir.resolve("runbooks")).resolve("hold.md"), HOLD);
    }

    @AfterEach
    void stop() throws Exception {
        for (Serve serve : serves) {
            if (serve.process().isAlive()) {
                serve.process().destroy();
                serve.process().waitFor(30, TimeUnit.SECONDS);
            }
        }
        pids.forEach(Processes::kill);
    }

    private Serve serve(String... options) throws Exception {
        List<String> args = new ArrayList<>(List.of("serve", "--runbooks", "runbooks", "--port", "0", "--record-dir", "records",
                "--lease", "2m", "--drain", "0s"));
        args.addAll(List.of(options));
        Process process = Cli.builder(dir, args.toArray(String[]::new)).redirectErrorStream(true).start();
        List<String> output = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
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
        Serve serve = new Serve(process, output);
        serves.add(serve);
        Eventually.until("serve listens", Duration.ofSeconds(60), () -> output.stream().anyMatch(l -> l.startsWith("http: ")),
                serve::said, process::isAlive);
        return serve;
    }

    private long pid(String file) throws InterruptedException {
        Eventually.until("the step wrote " + file, Duration.ofSeconds(60), () -> Processes.pidIn(dir.resolve(file)) > 0,
                () -> serves.get(serves.size() - 1).said());
        long pid = Processes.pidIn(dir.resolve(file));
        pids.add(pid);
        return pid;
    }

    @Test
    void a_serve_killed_with_kill_9_takes_its_shell_steps_with_it_and_a_new_one_starts_and_takes_over_at_once() throws Exception {
        String token = Cli.run(dir, "token", "create", "--role", "operator", "--name", "it").stdout().strip();
        Serve first = serve("--instance", "first");
        HttpResponse<String> launched = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(first.httpUrl()
                        + "/api/runbooks/hold/runs")).header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(launched.statusCode()).as(launched.body()).isEqualTo(201);
        List<Long> step = List.of(pid("script.pid"), pid("child.pid"), pid("detached.pid"));
        Eventually.until("the step's processes run", Duration.ofSeconds(10), () -> step.stream().allMatch(Processes::running), first::said);

        first.process().destroyForcibly(); // SIGKILL: nothing in its JVM runs any more
        first.process().waitFor(30, TimeUnit.SECONDS);

        Eventually.until("the killed serve's step processes " + step + " end", Duration.ofSeconds(15),
                () -> step.stream().noneMatch(Processes::running), first::said);
        Serve second = serve("--instance", "second");
        assertThat(second.said()).contains("instance first (pid " + first.process().pid() + " on this host) is gone");
        Eventually.until("the run is taken over long before first's lease of 2m ends", Duration.ofSeconds(30),
                () -> second.said().contains("taken over from first"), second::said, second.process()::isAlive);
    }

    @Test
    void a_serve_whose_port_is_taken_says_so_in_one_line_and_exits_2() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            Cli.Result refused = Cli.run(dir, "serve", "--runbooks", "runbooks", "--port", Integer.toString(taken.getLocalPort()),
                    "--record-dir", "records");

            assertThat(refused.exitCode()).isEqualTo(2);
            assertThat(refused.stderr().strip()).isEqualTo("error: cannot listen on 127.0.0.1:" + taken.getLocalPort()
                    + ": the address is in use (another opsbook serve, or another program, listens there); choose another port with"
                    + " --port N (0 picks a free one) or another address with --host");
            assertThat(refused.all()).doesNotContain("Exception", "\tat ", "queue: ", "http: ");
        }
        Serve after = serve();
        assertThat(after.said()).doesNotContain("is gone").contains("http: ");
    }

    @Test
    void a_serve_with_no_runbook_refuses_to_start_in_one_line_and_with_allow_empty_and_host_0_0_0_0_starts_on_every_interface()
            throws Exception {
        Files.delete(dir.resolve("runbooks/hold.md"));

        Cli.Result refused = Cli.run(dir, "serve", "--runbooks", "runbooks", "--runbooks", "elsewhere", "--port", "0", "--record-dir", "records");

        assertThat(refused.exitCode()).as(refused.all()).isEqualTo(2);
        assertThat(refused.stderr().strip()).isEqualTo("error: no runbook to serve: no *.md file in runbooks, elsewhere (no such folder);"
                + " give the folders with --runbooks DIR (or OPSBOOK_RUNBOOKS=DIR,DIR), or start with none with --allow-empty");
        assertThat(refused.all()).doesNotContain("Exception", "queue: ", "http: ");
        assertThat(dir.resolve(".opsbook")).as("no store was made").doesNotExist();

        Serve empty = serve("--allow-empty", "--host", "0.0.0.0");

        assertThat(empty.said()).contains("warning: serving NO runbook (--allow-empty): no *.md file in runbooks;"
                + " events start nothing until a runbook that loads is added there");
        String port = empty.httpUrl().substring(empty.httpUrl().lastIndexOf(':') + 1);
        assertThat(empty.httpUrl()).isEqualTo("http://0.0.0.0:" + port);
        List<java.net.InetAddress> addresses = new ArrayList<>(List.of(java.net.InetAddress.getLoopbackAddress()));
        java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces()).stream().filter(i -> {
            try {
                return i.isUp() && !i.isLoopback();
            } catch (java.net.SocketException e) {
                return false;
            }
        }).flatMap(i -> java.util.Collections.list(i.getInetAddresses()).stream()).filter(a -> a instanceof java.net.Inet4Address)
                .findFirst().ifPresent(addresses::add);
        for (java.net.InetAddress address : addresses) {
            HttpResponse<String> live = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://" + address.getHostAddress()
                    + ":" + port + "/q/health/live")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(live.statusCode()).as("on " + address).isEqualTo(200);
        }
    }

    @Test
    void a_public_url_that_is_not_an_http_url_stops_serve_in_one_line_naming_the_setting() throws Exception {
        for (String bad : List.of("opsbook.example.com", "//opsbook.example.com/", "ftp://opsbook.example.com")) {
            Path out = dir.resolve("serve.out");
            Path err = dir.resolve("serve.err");
            ProcessBuilder builder = Cli.builder(dir, "serve", "--runbooks", "runbooks", "--port", "0", "--record-dir", "records")
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            builder.environment().put("OPSBOOK_PUBLIC_URL", bad);
            Process process = builder.start();
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as(bad + ": serve stops by itself").isTrue();
            String said = Files.readString(out) + Files.readString(err);

            assertThat(process.exitValue()).as(said).isEqualTo(2);
            assertThat(Files.readString(err).strip()).as(said).isEqualTo("error: opsbook.public-url (OPSBOOK_PUBLIC_URL) must be the http(s) URL"
                    + " people reach serve at, such as https://opsbook.example.com, not '" + bad + "'");
            assertThat(said).doesNotContain("Exception", "\tat ", "queue: ");
        }
    }

    @Test
    void a_second_serve_on_the_embedded_store_says_so_in_one_line_and_exits_2() throws Exception {
        Serve first = serve("--instance", "first");

        Cli.Result refused = Cli.run(dir, "serve", "--runbooks", "runbooks", "--port", "0", "--record-dir", "records", "--instance", "second");

        assertThat(refused.exitCode()).as(refused.all()).isEqualTo(2);
        assertThat(refused.stderr().strip()).startsWith("error: another opsbook serve (first) is using H2 file ")
                .endsWith("stop it, or give every instance one PostgreSQL store: --store jdbc:postgresql://HOST/DB")
                .doesNotContain("\n");
        assertThat(refused.all()).as("nothing of Quarkus's or the queue's shutting down").doesNotContain("Exception", "\tat ", "ERROR");
        assertThat(first.process().isAlive()).isTrue();
    }
}
