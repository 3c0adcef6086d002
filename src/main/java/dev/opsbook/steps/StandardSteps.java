package dev.opsbook.steps;

import dev.opsbook.aws.AwsApi;
import dev.opsbook.aws.AwsClients;
import dev.opsbook.aws.AwsInvoker;
import dev.opsbook.aws.AwsServices;
import dev.opsbook.aws.AwsSettings;
import dev.opsbook.engine.StepExecutors;
import java.util.List;

/** The step kinds this build ships. A new kind is one more executor in this list. */
public final class StandardSteps {

    private StandardSteps() {
    }

    /** For checking runbooks: AWS clients are only built when a call is made. */
    public static StepExecutors all() {
        return with(new AwsClients(AwsSettings.DEFAULTS));
    }

    public static StepExecutors with(AwsClients clients) {
        return with(clients, PythonStep.DEFAULT_INTERPRETER, dev.opsbook.engine.ChildRuns.NONE);
    }

    /** @param python the interpreter python steps run with (the {@code opsbook.python} setting) */
    public static StepExecutors with(AwsClients clients, String python) {
        return with(clients, python, dev.opsbook.engine.ChildRuns.NONE);
    }

    /** @param children how {@code runbook} steps run their child runs: the host's (the CLI's, serve's) */
    public static StepExecutors with(AwsClients clients, dev.opsbook.engine.ChildRuns children) {
        return with(clients, PythonStep.DEFAULT_INTERPRETER, children);
    }

    /**
     * @param python the interpreter python steps run with (the {@code opsbook.python} setting)
     * @param children how {@code runbook} steps run their child runs: the host's (the CLI's, serve's)
     */
    public static StepExecutors with(AwsClients clients, String python, dev.opsbook.engine.ChildRuns children) {
        return with(new AwsInvoker(AwsServices.onClasspath(), clients), Pacing.REAL, python, children);
    }

    /**
     * @param aws where AWS calls (and SNS notifications) go: the real API, or a rehearsal's simulated one
     * @param pacing how {@code wait} steps wait: really, or on a rehearsal's simulated clock
     */
    public static StepExecutors with(AwsApi aws, Pacing pacing, String python, dev.opsbook.engine.ChildRuns children) {
        return new StepExecutors(List.of(new ShellStep(), new HttpStep(), PersonStep.manual(), PersonStep.approve(),
                new AssertStep(aws), new AwsStep(aws), new WaitStep(aws, pacing), new NotifyStep(new Notifier(aws)),
                new PythonStep(python), new RunbookStep(children)));
    }
}
