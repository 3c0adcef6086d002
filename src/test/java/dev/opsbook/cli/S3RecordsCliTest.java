package dev.opsbook.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsbook.aws.AwsFakes;
import dev.opsbook.store.JdbcRunStore;
import dev.opsbook.store.RunQuery;
import dev.opsbook.store.RunStore;
import dev.opsbook.testing.S3Endpoint;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code opsbook run} and {@code serve} with {@code --record-dir s3://BUCKET/PREFIX}, against s3proxy on 127.0.0.1. */
@Timeout(120)
class S3RecordsCliTest {

    private static final String BUCKET = "team-records";

    @TempDir
    Path dir;

    private S3Endpoint s3;
    private String url;
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream stderr;

    @BeforeEach
    void start() throws Exception {
        AwsFakes.fakeCredentials();
        s3 = S3Endpoint.start(BUCKET);
        url = JdbcRunStore.embeddedUrl(dir.resolve("store"));
        stderr = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void stop() throws Exception {
        System.setErr(stderr);
        s3.close();
    }

    private int run(Callable<Integer> command, String... args) {
        return new CommandLine(command).execute(args);
    }

    private String said() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void opsbook_run_leaves_the_record_and_the_trail_at_PREFIX_RUNBOOK_RUN_and_opsbook_show_prints_the_same_record() throws Exception {
        int exit = run(new RunCommand(), "runbooks/hello.md", "-p", "name=Ada", "--yes", "--record-dir", "s3://" + BUCKET + "/cli",
                "--endpoint-url", s3.uri().toString(), "--region", "eu-west-1", "--store", url);

        assertThat(exit).as(said()).isZero();
        String run;
        try (RunStore store = JdbcRunStore.open(url, "", "")) {
            run = store.runs(RunQuery.latest(1)).get(0).id();
        }
        assertThat(s3.keys(BUCKET)).containsExactly("cli/.opsbook-write-check", "cli/hello/" + run + ".audit.jsonl", "cli/hello/" + run + ".md");
        assertThat(s3.read(BUCKET, "cli/hello/" + run + ".md")).contains(dev.opsbook.testing.Show.record(run, url))
                .hasValueSatisfying(record -> assertThat(record).contains("\nstatus: succeeded\n", "Hello, Ada"));
        assertThat(s3.read(BUCKET, "cli/hello/" + run + ".audit.jsonl")).hasValueSatisfying(trail -> assertThat(trail)
                .contains("\"run-started\"", "\"run-finished\""));
    }

    @Test
    void opsbook_run_without_a_store_puts_its_trail_beside_the_record_in_the_bucket() {
        int exit = run(new RunCommand(), "runbooks/hello.md", "--yes", "--no-store", "--record-dir", "s3://" + BUCKET,
                "--endpoint-url", s3.uri().toString(), "--region", "eu-west-1");

        assertThat(exit).as(said()).isZero();
        assertThat(s3.keys(BUCKET)).hasSize(3).first().isEqualTo(".opsbook-write-check");
        String record = s3.keys(BUCKET).stream().filter(k -> k.endsWith(".md")).findFirst().orElseThrow();
        String trail = s3.keys(BUCKET).stream().filter(k -> k.endsWith(".audit.jsonl")).findFirst().orElseThrow();
        assertThat(s3.read(BUCKET, record)).hasValueSatisfying(text -> assertThat(text).contains("\nstatus: succeeded\n"));
        assertThat(s3.read(BUCKET, trail)).hasValueSatisfying(text -> assertThat(text.lines()).last().asString()
                .contains("\"run-finished\""));
    }

    @Test
    void opsbook_run_with_a_bucket_that_does_not_exist_stops_before_the_run_with_one_line() {
        int exit = run(new RunCommand(), "runbooks/hello.md", "--yes", "--record-dir", "s3://no-such-records/cli",
                "--endpoint-url", s3.uri().toString(), "--region", "eu-west-1", "--store", url);

        assertThat(exit).isEqualTo(ExitCodes.INVALID);
        assertThat(said()).isEqualTo("error: the records bucket no-such-records does not exist; create it (the deployment's template"
                + " does) or name another in --record-dir s3://BUCKET/PREFIX\n");
        assertThat(dir.resolve("store/store.mv.db")).as("nothing ran, nothing stored").doesNotExist();
    }

    @Test
    void serve_with_a_bucket_that_does_not_exist_refuses_to_start_with_one_line() {
        String key = System.getProperty(ServeLaunch.FORM_KEY);
        try {
            int exit = ServeLaunch.launch(new String[] {"serve", "--port", "0", "--store", url, "--record-dir", "s3://no-such-records/serve",
                    "--endpoint-url", s3.uri().toString(), "--region", "eu-west-1", "--runbooks", "runbooks"});

            assertThat(exit).isEqualTo(ExitCodes.INVALID);
            assertThat(said()).isEqualTo("error: the records bucket no-such-records does not exist; create it (the deployment's template"
                    + " does) or name another in --record-dir s3://BUCKET/PREFIX\n");
        } finally {
            if (key == null) {
                System.clearProperty(ServeLaunch.FORM_KEY);
            } else {
                System.setProperty(ServeLaunch.FORM_KEY, key);
            }
        }
    }
}
