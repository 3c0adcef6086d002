package dev.opsbook.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.opsbook.aws.AwsServices;
import dev.opsbook.aws.IamPolicy;
import dev.opsbook.aws.ServicePolicy;
import dev.opsbook.deploy.CloudFormationYaml;
import dev.opsbook.deploy.Template;
import dev.opsbook.graph.LoadedRunbook;
import dev.opsbook.runbook.Runbook;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "policy", mixinStandardHelpOptions = true,
        description = "Prints the least-privilege IAM policy runbooks need: every AWS action their steps, notifications, escalations"
                + " and secret references can take, and sts:AssumeRole on their roles. Several files and folders (searched for *.md"
                + " files) make one policy.",
        footer = {"", "With --service: the policy of the identity opsbook serve runs as (its ECS task role): receiving from the event"
                + " queue, records in S3, then what the runbooks need of it (the calls of steps that assume a role are the role's; the"
                + " service needs sts:AssumeRole on it).",
                "", "Exit status: 0 the policy is printed, 2 a runbook has errors or a path does not exist."})
public class PolicyCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "Runbook files or folders.")
    List<Path> paths;

    @Option(names = "--service", description = "The service's own policy: its queue and records, and what the runbooks need of it.")
    boolean service;

    @Option(names = "--queue-url", paramLabel = "URL", description = "With --service: the queue serve reads (default: opsbook.queue-url).")
    String queueUrl;

    @Option(names = "--record-dir", paramLabel = "s3://BUCKET/PREFIX", description = "With --service: where serve writes records"
            + " (default: opsbook.record-dir); S3 access only when it is in S3.")
    String recordDir;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "json", description = "json, or (with --service) cloudformation:"
            + " the policy document of deploy/cloudformation.yaml's task role, its queue and bucket named as there.")
    DeployCommand.Format format;

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
        if (format == DeployCommand.Format.cloudformation) {
            if (!service) {
                System.err.println("error: --format cloudformation is the service's policy as deploy/cloudformation.yaml has it; add --service");
                return ExitCodes.INVALID;
            }
            System.out.print(CloudFormationYaml.write(ServicePolicy.of(runbooks, AwsServices.onClasspath(), Template.serviceResources())));
            return ExitCodes.OK;
        }
        com.fasterxml.jackson.databind.node.ObjectNode policy;
        if (service) {
            Optional<ServicePolicy.Resources> resources = ServiceResources.of(queueUrl, recordDir);
            if (resources.isEmpty()) {
                return ExitCodes.INVALID;
            }
            policy = ServicePolicy.of(runbooks, AwsServices.onClasspath(), resources.get());
        } else {
            policy = IamPolicy.of(runbooks, AwsServices.onClasspath());
        }
        System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(policy));
        return ExitCodes.OK;
    }
}
