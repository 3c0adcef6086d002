package dev.opsbook.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsbook.engine.RunStatus;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What only the embedded store does: an H2 file in a fresh directory for every test, shared with a second process. */
class H2RunStoreTest extends StoreContract {

    @TempDir
    Path storeDir;

    @Override
    StoreBackend backend() {
        return StoreBackend.H2;
    }

    @Override
    String newDatabaseUrl() {
        return JdbcRunStore.embeddedUrl(storeDir);
    }

    @Test
    void the_embedded_store_says_it_serves_one_instance() {
        assertThat(store.multiInstance()).isFalse();
        assertThat(store.describe()).endsWith("(single instance)");
    }

    @Test
    void the_embedded_store_is_a_file_in_the_directory_it_is_given_and_says_it_serves_one_instance() {
        assertThat(url).startsWith("jdbc:h2:file:" + storeDir.toAbsolutePath()).endsWith("/store;AUTO_SERVER=TRUE;WRITE_DELAY=0");
        assertThat(Files.exists(storeDir.resolve("store.mv.db"))).isTrue();
        assertThat(store.describe()).isEqualTo("H2 file " + storeDir.toAbsolutePath().resolve("store") + " (single instance)");
    }

    @Test
    void two_stores_on_one_file_see_each_others_writes() {
        try (RunStore second = open(url)) {
            create("r1", "deploy", T0, "cli", null);
            assertThat(second.run("r1")).isPresent();
            assertThat(second.claim(received("evt-1", T0, EventOutcome.RECEIVED))).isTrue();
            assertThat(store.claim(received("evt-1", T0, EventOutcome.RECEIVED))).isFalse();
        }
    }

    @Test
    void a_second_process_uses_the_store_while_the_first_has_it_open_and_takes_it_over_when_the_first_exits() throws Exception {
        create("r1", "deploy", T0, "cli", null);
        store.claim(received("evt-1", T0, EventOutcome.RECEIVED));

        try (OtherProcess second = new OtherProcess(url)) {
            assertThat(second.ask("status r1")).isEqualTo("RUNNING");
            assertThat(second.ask("claim evt-1")).as("claimed by the first process").isEqualTo("false");
            assertThat(second.ask("claim evt-2")).isEqualTo("true");
            assertThat(store.claim(received("evt-2", T0, EventOutcome.RECEIVED))).isFalse();

            // the first process goes, the second goes on with the file on its own
            store.close();
            store = null;
            assertThat(second.ask("finish r1 2")).isEqualTo("finished");
            assertThat(second.ask("claim evt-3")).isEqualTo("true");

            // and now the first comes back while the second serves the file, and stays when the second goes
            store = open(url);
            assertThat(store.run("r1").orElseThrow().status()).isEqualTo(RunStatus.SUCCEEDED);
        }
        assertThat(store.claim(received("evt-3", T0, EventOutcome.RECEIVED))).isFalse();
        assertThat(store.claim(received("evt-4", T0, EventOutcome.RECEIVED))).isTrue();
        assertThat(store.receivedEvents(10)).hasSize(4);
    }

    @Test
    void what_a_process_stored_is_there_after_it_is_killed_with_kill_9_at_once() throws Exception {
        store.close();
        store = null;
        OtherProcess killed = new OtherProcess(url);
        for (int i = 1; i <= 5; i++) {
            assertThat(killed.ask("claim evt-" + i)).isEqualTo("true");
        }
        killed.kill();

        store = open(url);
        for (int i = 1; i <= 5; i++) {
            assertThat(store.claim(received("evt-" + i, T0, EventOutcome.RECEIVED))).as("evt-%d, claimed before the kill", i).isFalse();
        }
    }

    /** A second JVM running {@link SecondProcess}. */
    private static final class OtherProcess implements AutoCloseable {
        private final Process process;
        private final BufferedWriter in;
        private final BufferedReader out;

        OtherProcess(String url) throws IOException {
            Path java = Path.of(System.getProperty("java.home"), "bin", "java");
            process = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"), SecondProcess.class.getName(), url)
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            in = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
            out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            assertThat(out.readLine()).isEqualTo("open");
        }

        String ask(String command) throws IOException {
            in.write(command);
            in.newLine();
            in.flush();
            return out.readLine();
        }

        /** SIGKILL: nothing in its JVM runs any more, nothing is written on the way out. */
        void kill() throws InterruptedException {
            process.destroyForcibly();
            assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
        }

        @Override
        public void close() throws Exception {
            ask("exit");
            assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).isZero();
        }
    }
}
