package dev.opsbook.bench;

import dev.opsbook.graph.RunbookLoader;
import dev.opsbook.runbooktest.CaseResult;
import dev.opsbook.runbooktest.CaseRunner;
import dev.opsbook.runbooktest.TestSuite;
import dev.opsbook.steps.StandardSteps;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Row 9: {@code opsbook test} on 100 cases of a 10-step runbook (aws steps, a wait, an approval, a rollback), as the
 * command runs them: test files found, checked against the runbook, cases on 8 threads with simulated AWS and time.
 * In-process (the JVM's start is row 7's); median of 5 after 2 warm-up runs. Target: under 5 s.
 */
final class TestCasesBenchmark implements Benchmark {

    @Override
    public String name() {
        return "test-cases";
    }

    @Override
    public List<Row> run(boolean smoke) throws Exception {
        int cases = smoke ? 4 : 100;
        Path dir = Files.createTempDirectory("opsbook-bench-test");
        Files.writeString(dir.resolve("ten.md"), runbook());
        Files.writeString(dir.resolve("ten.test.yaml"), tests(cases));
        RunbookLoader loader = new RunbookLoader(StandardSteps.all().catalog());
        List<Long> times = new ArrayList<>();
        for (int round = 0; round < (smoke ? 1 : 7); round++) {
            long start = System.nanoTime();
            TestSuite.Found found = TestSuite.find(List.of(dir), loader);
            if (!found.problems().isEmpty()) {
                throw new IllegalStateException(found.problems().toString());
            }
            List<CaseResult> results = TestSuite.run(found.files(), new CaseRunner("python3"), 8, r -> { });
            long failed = results.stream().filter(r -> !r.passed()).count();
            if (failed > 0 || results.size() != cases) {
                throw new IllegalStateException(failed + " of " + results.size() + " cases failed: "
                        + results.stream().filter(r -> !r.passed()).findFirst().map(CaseResult::failures).orElseThrow());
            }
            times.add(System.nanoTime() - start);
        }
        List<Long> measured = new ArrayList<>(times.subList(smoke ? 0 : 2, times.size()));
        measured.sort(null);
        double seconds = measured.get(measured.size() / 2) / 1e9;
        return List.of(new Row("9 opsbook test", cases + " cases of a 10-step runbook, wall s", String.format("%.2f s", seconds),
                "—", "—", "< 5 s", seconds < 5,
                "in-process, 8 threads, median of " + measured.size() + "; each case: 8 simulated AWS calls, a wait polled 4 times"
                        + " over 2 simulated minutes, an approval; half the cases fail the last call and roll back"));
    }

    private static String runbook() {
        StringBuilder md = new StringBuilder("---\nid: ten\nparameters:\n  instanceId: { type: string }\n---\n\n");
        for (int i = 1; i <= 7; i++) {
            md.append("```aws id=s").append(i).append(i == 1 ? " rollback=undo" : "").append("\nservice: ec2\noperation: ")
                    .append(i == 1 ? "StopInstances" : "DescribeInstances").append("\nregion: us-east-1\n")
                    .append("input: { InstanceIds: [\"{{ params.instanceId }}\"] }\n```\n\n");
        }
        md.append("```wait id=stopped\nservice: ec2\noperation: DescribeInstanceStatus\nregion: us-east-1\n")
                .append("input: { InstanceIds: [\"{{ params.instanceId }}\"] }\n")
                .append("until: \"InstanceStatuses[0].InstanceState.Name == 'stopped'\"\ninterval: 30s\ntimeout: 10m\n```\n\n");
        md.append("```approve id=go\nprompt: Go on?\n```\n\n");
        md.append("```aws id=start\nservice: ec2\noperation: StartInstances\nregion: us-east-1\n")
                .append("input: { InstanceIds: [\"{{ params.instanceId }}\"] }\n```\n\n");
        md.append("## Rollback\n\n```aws id=undo\nservice: ec2\noperation: StartInstances\nregion: us-east-1\n")
                .append("input: { InstanceIds: [\"{{ params.instanceId }}\"] }\n```\n");
        return md.toString();
    }

    private static String tests(int cases) {
        StringBuilder yaml = new StringBuilder("cases:\n");
        for (int i = 0; i < cases; i++) {
            boolean fails = i % 2 == 1;
            yaml.append("  - name: case ").append(i).append("\n    params: { instanceId: i-").append(i).append(" }\n    aws:\n")
                    .append("      - { call: ec2:StopInstances, respond: {} }\n")
                    .append("      - { call: ec2:DescribeInstances, respond: { Reservations: [] } }\n")
                    .append("      - { call: ec2:DescribeInstanceStatus, times: 3, respond: { InstanceStatuses: [ { InstanceState: { Name: stopping } } ] } }\n")
                    .append("      - { call: ec2:DescribeInstanceStatus, respond: { InstanceStatuses: [ { InstanceState: { Name: stopped } } ] } }\n")
                    .append(fails ? "      - { call: ec2:StartInstances, times: 1, error: { code: IncorrectInstanceState } }\n"
                            + "      - { call: ec2:StartInstances, respond: {} }\n"
                            : "      - { call: ec2:StartInstances, respond: {} }\n")
                    .append("    steps: { go: { approve: true } }\n    expect:\n")
                    .append(fails ? "      status: failed\n      steps: { start: failed, s1: rolled-back }\n"
                            : "      status: succeeded\n      calls: [ { call: ec2:DescribeInstanceStatus, times: 4 } ]\n");
        }
        return yaml.toString();
    }
}
