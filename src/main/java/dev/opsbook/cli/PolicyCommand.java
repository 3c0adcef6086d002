package dev.opsbook.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.opsbook.aws.AwsServices;
import dev.opsbook.aws.IamPolicy;
import dev.opsbook.graph.LoadedRunbook;
import java.nio.file.Path;
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
        LoadedRunbook loaded;
        try {
            loaded = Runbooks.loader().load(file);
        } catch (java.io.IOException e) {
            System.err.println(file + ": error: cannot read: " + e.getMessage());
            return ExitCodes.INVALID;
        }
        if (loaded.hasErrors()) {
            loaded.errors().forEach(System.err::println);
            return ExitCodes.INVALID;
        }
        System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                .writeValueAsString(IamPolicy.of(loaded.runbook(), AwsServices.onClasspath())));
        return ExitCodes.OK;
    }
}
