package dev.opsbook.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.opsbook.aws.AwsServices;
import dev.opsbook.aws.IamPolicy;
import dev.opsbook.graph.LoadedRunbook;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "policy", mixinStandardHelpOptions = true,
        description = "Prints the least-privilege IAM policy a runbook needs: the actions it can call, and sts:AssumeRole on its roles.")
public class PolicyCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "FILE", description = "The runbook.")
    Path file;

    @Override
    public Integer call() throws Exception {
        Optional<LoadedRunbook> found = Runbooks.loadOrReport(file, true);
        if (found.isEmpty()) {
            return ExitCodes.INVALID;
        }
        LoadedRunbook loaded = found.get();
        System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                .writeValueAsString(IamPolicy.of(loaded.runbook(), AwsServices.onClasspath())));
        return ExitCodes.OK;
    }
}
