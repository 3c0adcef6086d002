package dev.opsbook.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code opsbook test} through the packaged CLI: the project's own runbooks and playbooks pass their tests. */
// //why: not TestCommandIT: surefire takes any class named Test* for a unit test, run before the jar is packaged
class OpsbookTestCommandIT {

    /** Every shipped runbook and playbook with a test file beside it, the library's (runbooks/library/, found by the walk) included. */
    private static final List<String> TESTED = List.of("deploy-release", "ec2-recover-impaired", "ec2-recover", "ecs-rollback", "hello",
            "rotate-logs", "investigate-service", "lambda-throttled",
            "acm-certificate-expiring", "alb-5xx-spike", "dynamodb-throttling", "ec2-status-check-failed", "ecs-deployment-failed",
            "guardduty-isolate-instance", "instance-disk-full", "lambda-throttles-errors", "rds-storage-failover", "sqs-dead-letter-messages");

    @TempDir
    Path dir;

    @Test
    void the_shipped_runbooks_and_playbooks_pass_their_tests_and_it_exits_zero() throws Exception {
        Cli.Result result = Cli.run(Cli.PROJECT, "test", "runbooks", "playbooks", "--coverage");

        assertThat(result.exitCode()).as(result.all()).isZero();
        List<String> lines = result.stdout().lines().toList();
        assertThat(lines.stream().filter(l -> l.startsWith("❌"))).as(result.all()).isEmpty();
        for (String runbook : TESTED) {
            assertThat(lines).as(result.all()).anyMatch(l -> l.startsWith("✅ " + runbook + ": "));
        }
        assertThat(lines).as(result.all()).anyMatch(l -> l.startsWith("✅ deploy-release: a verification that keeps failing moves the link back"));
        assertThat(lines).as(result.all())
                .anyMatch(l -> l.startsWith("✅ ec2-status-check-failed: checks that never pass after the move start the instance again"));
        assertThat(result.stdout()).contains("Coverage (paths the cases took):");
        assertThat(result.stderr()).containsPattern("\\d+ cases: \\d+ passed, 0 failed");
    }

    @Test
    void a_case_whose_expectation_is_not_met_says_what_happened_and_exits_one() throws Exception {
        Files.copy(Path.of(Cli.project("runbooks/hello.md")), dir.resolve("hello.md"));
        Files.writeString(dir.resolve("hello.test.yaml"), """
                cases:
                  - name: expects the wrong greeting
                    params: { name: on-call }
                    steps:
                      disk: { exit: 0, stdout: '{"freeMb": 5000}' }
                      tell-the-team-the-machine-was-checked: { manual: done }
                    expect:
                      outputs:
                        greet: { greeting: hello night shift }
                """);

        Cli.Result result = Cli.run(dir, "test", "hello.test.yaml");

        assertThat(result.exitCode()).as(result.all()).isEqualTo(1);
        assertThat(result.stdout()).as(result.all())
                .containsPattern("❌ hello: expects the wrong greeting \\(\\d+ ms\\)")
                .contains("     expected outputs: greet: {\"greeting\":\"hello night shift\"}")
                .contains("          got {\"greeting\":\"hello on-call\"}");
    }

    @Test
    void an_invalid_test_file_is_located_and_nothing_runs_and_it_exits_two() throws Exception {
        Files.copy(Path.of(Cli.project("runbooks/hello.md")), dir.resolve("hello.md"));
        Files.writeString(dir.resolve("hello.test.yaml"), """
                cases:
                  - name: greets
                    expect:
                      status: succeeded
                      stepz: { greet: succeeded }
                """);

        Cli.Result result = Cli.run(dir, "test", "hello.test.yaml");

        assertThat(result.exitCode()).as(result.all()).isEqualTo(2);
        assertThat(result.stderr()).as(result.all()).startsWith("hello.test.yaml:5:7: error: unknown key 'stepz' in expect:");
        assertThat(result.stdout()).isEmpty();
    }
}
