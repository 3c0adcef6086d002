package dev.opsbook.runbooktest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsbook.graph.RunbookLoader;
import dev.opsbook.steps.StandardSteps;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestFilesTest {

    private static final String RUNBOOK = """
            ---
            title: Stop an instance
            parameters:
              instance: { type: string }
            ---

            ```aws id=stop
            service: ec2
            operation: StopInstances
            region: us-east-1
            input: { InstanceIds: ["{{ params.instance }}"] }
            ```
            """;

    @TempDir
    Path dir;

    private TestSuite.Found find(String tests) throws Exception {
        Files.writeString(dir.resolve("stop.md"), RUNBOOK);
        Files.writeString(dir.resolve("stop.test.yaml"), tests);
        return TestSuite.find(List.of(dir), new RunbookLoader(StandardSteps.all().catalog()));
    }

    @Test
    void an_expectation_naming_a_missing_step_and_an_unknown_operation_are_located_errors() throws Exception {
        TestSuite.Found found = find("""
                cases:
                  - name: stops it
                    params: { instance: i-1 }
                    aws:
                      - call: ec2:StopInstance
                    expect:
                      steps: { stopp: succeeded }
                """);

        assertThat(found.files()).isEmpty();
        assertThat(found.problems()).extracting(Object::toString).containsExactly(
                dir.resolve("stop.test.yaml") + ":5:15: error: unknown operation 'StopInstance' of ec2; did you mean 'StopInstances'?");
        TestSuite.Found second = find("""
                cases:
                  - name: stops it
                    params: { instance: i-1 }
                    expect:
                      steps: { stopp: succeeded }
                """);
        assertThat(second.problems()).extracting(Object::toString).containsExactly(
                dir.resolve("stop.test.yaml") + ":5:16: error: expect: steps: names step 'stopp', which the runbook does not have; did you mean 'stop'?; its steps: stop");
    }

    @Test
    void an_unsimulated_call_fails_the_case_naming_it_and_an_unmet_expectation_shows_the_input() throws Exception {
        TestSuite.Found found = find("""
                cases:
                  - name: not simulated
                    params: { instance: i-1 }
                    expect: { status: failed }
                  - name: expects the wrong instance
                    params: { instance: i-1 }
                    aws:
                      - { call: ec2:StopInstances, respond: {} }
                    expect:
                      status: succeeded
                      calls: [ { call: ec2:StopInstances, input: { InstanceIds: [i-2] } } ]
                """);

        List<CaseResult> results = TestSuite.run(found.files(), new CaseRunner("python3"), 2, r -> { });

        assertThat(results.get(0).passed()).isFalse();
        assertThat(results.get(0).failures().get(0).actual()).startsWith("ec2:StopInstances is not simulated by this case: add to its aws: list");
        assertThat(results.get(1).failures()).singleElement().satisfies(f -> {
            assertThat(f.expected()).isEqualTo("calls: ec2:StopInstances with {\"InstanceIds\":[\"i-2\"]}");
            assertThat(f.actual()).isEqualTo("0 such call(s); calls made: ec2:StopInstances {\"InstanceIds\":[\"i-1\"]}");
        });
    }
}
