package dev.opsbook.aws;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opsbook.runbook.RunbookKind;
import dev.opsbook.runbook.Step;
import dev.opsbook.runbook.StepKindSpec;
import dev.opsbook.runbook.StepCheck;
import dev.opsbook.runbook.Suggestions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Validation of a step that calls AWS ({@code aws}, {@code wait}, an {@code assert} with a
 * call): the service and operation exist, every input member exists and has the right shape,
 * and a playbook does not change anything unless the step says {@code mutating: true}.
 */
public final class AwsStepCheck implements StepCheck {

    private final AwsServices services;
    private final boolean callRequired;

    public AwsStepCheck(AwsServices services, boolean callRequired) {
        this.services = services;
        this.callRequired = callRequired;
    }

    @Override
    public List<Problem> check(Step step, RunbookKind runbookKind) {
        List<Problem> problems = new ArrayList<>();
        JsonNode settings = step.settings();
        if (!callRequired && !settings.has("service") && !settings.has("operation")) {
            return problems;
        }
        String serviceName = settings.path("service").asText("");
        String operationName = settings.path("operation").asText("");
        if (serviceName.isEmpty()) {
            problems.add(Problem.error("", step.kind() + " step needs 'service:' (e.g. ec2) with its 'operation:'"));
            return problems;
        }
        if (serviceName.contains("{{") || operationName.contains("{{")) {
            problems.add(Problem.error("/service", "service and operation must be written out, not templated, so the call can be checked and its IAM permission derived"));
            return problems;
        }
        Optional<AwsService> service = services.find(serviceName);
        if (service.isEmpty()) {
            problems.add(Problem.error("/service", "unknown AWS service '" + serviceName + "'"
                    + Suggestions.didYouMean(serviceName, services.names())
                    + "; services in this build: " + String.join(", ", services.names())));
            return problems;
        }
        if (operationName.isEmpty()) {
            problems.add(Problem.error("", step.kind() + " step needs 'operation:', named as in the AWS API reference (e.g. DescribeInstances)"));
            return problems;
        }
        Optional<AwsOperation> operation = services.operation(serviceName, operationName);
        if (operation.isEmpty()) {
            problems.add(Problem.error("/operation", "unknown operation '" + operationName + "' of " + serviceName
                    + Suggestions.didYouMean(operationName, service.get().operationNames())));
            return problems;
        }
        if (!operation.get().name().equals(operationName)) {
            problems.add(new Problem("/operation", "operation '" + operationName + "' of " + serviceName + " is written '"
                    + operation.get().name() + "' in the AWS API reference; write it so", true));
        }
        for (ShapeDocuments.Problem problem : ShapeDocuments.check(operation.get().requestClass(), settings.path("input"))) {
            String pointer = "/input" + problem.pointer() + (problem.message().startsWith("unknown member") ? "#key" : "");
            problems.add(Problem.error(pointer, "input of " + serviceName + ":" + operation.get().name()
                    + (problem.pointer().isEmpty() ? "" : " at " + problem.pointer().substring(1).replace('/', '.')) + ": " + problem.message()));
        }
        if (settings.path("paginate").asBoolean(false) && !operation.get().isPaginated()) {
            problems.add(Problem.error("/paginate", serviceName + ":" + operation.get().name() + " has no pages to merge; remove paginate: true"));
        }
        boolean readOnly = OperationSafety.isReadOnly(operation.get());
        if (!readOnly && step.has(StepKindSpec.Trait.READ_ONLY)) {
            problems.add(Problem.error("/operation", step.kind() + " steps only read: " + serviceName + ":" + operation.get().name()
                    + " changes things; use an aws step for it"));
        } else if (runbookKind == RunbookKind.PLAYBOOK && !readOnly && !settings.path("mutating").asBoolean(false)) {
            problems.add(Problem.error("/operation", "this playbook only investigates, but " + serviceName + ":" + operation.get().name()
                    + " changes things; if that is intended, add 'mutating: true' to the step (it will then ask for approval before it runs)"));
        }
        return problems;
    }
}
