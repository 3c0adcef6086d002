package dev.opsbook.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.opsbook.aws.AwsServices;
import dev.opsbook.aws.IamPolicy;
import dev.opsbook.graph.LoadedRunbook;
import dev.opsbook.runbook.Runbook;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "policy", mixinStandardHelpOptions = true,
        description = "Prints the least-privilege IAM policy runbooks need: every AWS action their steps, notifications, escalations"
                + " and secret references can take, and sts:AssumeRole on their roles. Several files and folders (searched for *.md"
                + " files) make one policy.",
        footer = {"", "Exit status: 0 the policy is printed, 2 a runbook has errors or a path does not exist."})
public class PolicyCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "Runbook files or folders.")
    List<Path> paths;

    @Override
    public Integer call() throws Exception {
        Runbooks.Found files = Runbooks.find(paths);
        if (files.missing() > 0) {
            return ExitCodes.INVALID;
        }
        List<Runbook> runbooks = new ArrayList<>();
        boolean invalid = false;
        for (Path file : files.files()) {
            Optional<LoadedRunbook> loaded = Runbooks.loadOrReport(file, true);
            loaded.ifPresent(l -> runbooks.add(l.runbook()));
            // a parent's policy allows what its child runs call too
            loaded.ifPresent(l -> runbooks.addAll(dev.opsbook.graph.SubRunbooks.descendants(l.runbook(), Runbooks.catalogFor(file))));
            invalid |= loaded.isEmpty();
        }
        if (invalid) {
            return ExitCodes.INVALID;
        }
        System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                .writeValueAsString(IamPolicy.of(runbooks, AwsServices.onClasspath())));
        return ExitCodes.OK;
    }
}
