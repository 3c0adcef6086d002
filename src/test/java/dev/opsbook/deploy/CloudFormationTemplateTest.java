package dev.opsbook.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * deploy/cloudformation.yaml, checked without AWS: it parses, every reference in it leads somewhere, the
 * queue takes events from its rules only and hands failures to its dead-letter queue, and what was
 * generated from runbooks/ and playbooks/ (what the image serves) is what {@code opsbook deploy rules} and {@code opsbook policy --service} print today.
 */
class CloudFormationTemplateTest {

    static final Path TEMPLATE = Path.of("deploy/cloudformation.yaml");
    static final Set<String> PSEUDO_PARAMETERS = Set.of("AWS::AccountId", "AWS::NotificationARNs", "AWS::NoValue", "AWS::Partition",
            "AWS::Region", "AWS::StackId", "AWS::StackName", "AWS::URLSuffix");
    private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{([^!}][^}]*)}");

    static String text() throws IOException {
        return Files.readString(TEMPLATE);
    }

    static JsonNode template() throws IOException {
        return CloudFormationTemplates.parse(text());
    }

    static JsonNode resources() throws IOException {
        return template().path("Resources");
    }

    @Test
    void every_ref_get_att_sub_and_condition_names_a_parameter_resource_or_pseudo_parameter() throws IOException {
        JsonNode template = template();
        Set<String> resources = names(template.path("Resources"));
        Set<String> parameters = names(template.path("Parameters"));
        Set<String> conditions = names(template.path("Conditions"));
        List<String> unresolved = new ArrayList<>();
        List<JsonNode> functions = new ArrayList<>();
        collect(template, functions);
        assertThat(functions).as("functions found").hasSizeGreaterThan(20);
        for (JsonNode function : functions) {
            String name = function.fieldNames().next();
            JsonNode argument = function.get(name);
            switch (name) {
                case "Ref" -> {
                    if (!resources.contains(argument.asText()) && !parameters.contains(argument.asText())
                            && !PSEUDO_PARAMETERS.contains(argument.asText())) {
                        unresolved.add("Ref " + argument.asText());
                    }
                }
                case "Fn::GetAtt" -> {
                    if (!resources.contains(argument.get(0).asText())) {
                        unresolved.add("GetAtt " + argument);
                    }
                }
                case "Fn::Sub" -> {
                    Matcher variable = SUB_VARIABLE.matcher(argument.isArray() ? argument.get(0).asText() : argument.asText());
                    while (variable.find()) {
                        String ref = variable.group(1);
                        String head = ref.contains(".") && !ref.startsWith("AWS::") ? ref.substring(0, ref.indexOf('.')) : ref;
                        boolean attribute = !head.equals(ref);
                        if (!(attribute ? resources.contains(head)
                                : resources.contains(head) || parameters.contains(head) || PSEUDO_PARAMETERS.contains(head))) {
                            unresolved.add("Sub ${" + ref + "}");
                        }
                    }
                }
                case "Fn::If" -> {
                    if (!conditions.contains(argument.get(0).asText())) {
                        unresolved.add("If " + argument.get(0).asText());
                    }
                }
                default -> { }
            }
        }
        assertThat(unresolved).isEmpty();
    }

    @Test
    void the_queue_takes_events_only_from_the_template_s_rules_and_every_rule_sends_to_the_queue() throws IOException {
        JsonNode resources = resources();
        Set<String> ruleArns = new TreeSet<>();
        for (String rule : ofType(resources, "AWS::Events::Rule")) {
            ruleArns.add("{\"Fn::GetAtt\":[\"" + rule + "\",\"Arn\"]}");
            assertThat(resources.path(rule).at("/Properties/Targets").findValues("Arn")).as(rule)
                    .extracting(JsonNode::toString).containsExactly("{\"Fn::GetAtt\":[\"EventQueue\",\"Arn\"]}");
        }
        assertThat(ruleArns).as("the template has rules").isNotEmpty();
        JsonNode statements = resources.path("EventQueuePolicy").at("/Properties/PolicyDocument/Statement");
        assertThat(statements).hasSize(1);
        JsonNode statement = statements.get(0);
        assertThat(statement.path("Principal").toString()).isEqualTo("{\"Service\":\"events.amazonaws.com\"}");
        assertThat(statement.path("Action").asText()).isEqualTo("sqs:SendMessage");
        Set<String> named = new TreeSet<>();
        statement.at("/Condition/ArnEquals/aws:SourceArn").forEach(arn -> named.add(arn.toString()));
        assertThat(named).isEqualTo(ruleArns);
        assertThat(resources.path("EventQueuePolicy").at("/Properties/Queues").toString()).isEqualTo("[{\"Ref\":\"EventQueue\"}]");
    }

    @Test
    void an_event_that_keeps_failing_goes_to_the_dead_letter_queue() throws IOException {
        JsonNode resources = resources();
        JsonNode redrive = resources.at("/EventQueue/Properties/RedrivePolicy");
        assertThat(redrive.path("deadLetterTargetArn").toString()).isEqualTo("{\"Fn::GetAtt\":[\"EventDeadLetterQueue\",\"Arn\"]}");
        assertThat(resources.at("/EventDeadLetterQueue/Type").asText()).isEqualTo("AWS::SQS::Queue");
        assertThat(redrive.path("maxReceiveCount").toString()).isEqualTo("{\"Ref\":\"MaxReceives\"}");
    }

    @Test
    void the_rules_in_the_template_are_those_opsbook_deploy_rules_prints_for_what_the_image_serves() throws IOException {
        Commands.Result json = Commands.deploy("rules", "runbooks/", "playbooks/");
        assertThat(json.exitCode()).as(json.stderr()).isZero();
        List<JsonNode> printed = new ArrayList<>();
        new ObjectMapper().readTree(json.stdout()).forEach(rule -> printed.add(rule.path("eventPattern")));
        JsonNode resources = resources();
        List<JsonNode> inTemplate = new ArrayList<>();
        for (String rule : ofType(resources, "AWS::Events::Rule")) {
            inTemplate.add(resources.path(rule).at("/Properties/EventPattern"));
        }
        assertThat(inTemplate).isEqualTo(printed);

        Commands.Result yaml = Commands.deploy("rules", "runbooks/", "playbooks/", "--format", "cloudformation");
        assertThat(generated("deploy rules")).as("the block deploy/generate.sh writes; run it again").isEqualTo(yaml.stdout());
    }

    @Test
    void the_task_role_may_do_exactly_what_opsbook_policy_service_prints_for_what_the_image_serves() throws IOException {
        Commands.Result json = Commands.policy("runbooks/", "playbooks/", "--service", "--queue-url", "https://sqs.eu-west-1.amazonaws.com/123456789012/q",
                "--record-dir", "s3://bucket/records");
        assertThat(json.exitCode()).as(json.stderr()).isZero();
        JsonNode resources = resources();
        assertThat(resources.at("/TaskDefinition/Properties/TaskRoleArn").toString()).isEqualTo("{\"Fn::GetAtt\":[\"TaskRole\",\"Arn\"]}");
        assertThat(actions(resources.at("/TaskRole/Properties/Policies"))).isEqualTo(actions(new ObjectMapper().readTree(json.stdout())))
                .contains("sqs:ReceiveMessage", "sqs:DeleteMessage", "s3:PutObject");

        Commands.Result yaml = Commands.policy("runbooks/", "playbooks/", "--service", "--format", "cloudformation");
        assertThat(generated("policy")).as("the block deploy/generate.sh writes; run it again").isEqualTo(yaml.stdout());
    }

    @Test
    void every_opsbook_variable_of_the_task_is_a_setting_serve_reads() throws IOException {
        JsonNode container = resources().at("/TaskDefinition/Properties/ContainerDefinitions/0");
        Set<String> variables = new TreeSet<>(container.path("Environment").findValuesAsText("Name"));
        variables.addAll(container.path("Secrets").findValuesAsText("Name"));
        Set<String> opsbook = new TreeSet<>(variables.stream().filter(v -> v.startsWith("OPSBOOK_")).toList());
        assertThat(opsbook).contains("OPSBOOK_QUEUE_URL", "OPSBOOK_STORE", "OPSBOOK_STORE_USER", "OPSBOOK_STORE_PASSWORD", "OPSBOOK_RECORD_DIR");
        assertThat(dev.opsbook.cli.Setting.environmentVariables()).containsAll(opsbook);
        assertThat(container.at("/Secrets").toString()).contains("OPSBOOK_STORE_PASSWORD").contains("MasterUserSecret");
        assertThat(container.path("Environment").toString()).doesNotContain("PASSWORD");
    }

    @Test
    void records_go_to_a_versioned_encrypted_private_bucket_the_task_is_pointed_at() throws IOException {
        JsonNode resources = resources();
        JsonNode bucket = resources.at("/RecordBucket/Properties");
        assertThat(bucket.at("/VersioningConfiguration/Status").asText()).isEqualTo("Enabled");
        assertThat(bucket.at("/BucketEncryption/ServerSideEncryptionConfiguration/0/ServerSideEncryptionByDefault/SSEAlgorithm").asText()).isNotBlank();
        JsonNode block = bucket.path("PublicAccessBlockConfiguration");
        assertThat(List.of("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"))
                .allSatisfy(setting -> assertThat(block.path(setting).asBoolean()).as(setting).isTrue());
        JsonNode environment = resources.at("/TaskDefinition/Properties/ContainerDefinitions/0/Environment");
        assertThat(environment.toString()).contains("{\"Name\":\"OPSBOOK_RECORD_DIR\",\"Value\":{\"Fn::Sub\":\"s3://${RecordBucket}/${RecordPrefix}\"}}");
    }

    @Test
    void two_fargate_tasks_serve_behind_an_https_load_balancer_with_the_certificate_given() throws IOException {
        JsonNode template = template();
        JsonNode resources = template.path("Resources");
        assertThat(resources.at("/Service/Properties/LaunchType").asText()).isEqualTo("FARGATE");
        assertThat(resources.at("/Service/Properties/DesiredCount").toString()).isEqualTo("{\"Ref\":\"DesiredCount\"}");
        assertThat(template.at("/Parameters/DesiredCount/Default").asInt()).isEqualTo(2);
        assertThat(resources.at("/HttpsListener/Properties/Protocol").asText()).isEqualTo("HTTPS");
        assertThat(resources.at("/HttpsListener/Properties/Certificates/0/CertificateArn").toString()).isEqualTo("{\"Ref\":\"CertificateArn\"}");
        assertThat(resources.at("/TargetGroup/Properties/HealthCheckPath").asText()).isEqualTo("/q/health/ready");
        assertThat(resources.at("/TaskDefinition/Properties/ContainerDefinitions/0/LogConfiguration/LogDriver").asText()).isEqualTo("awslogs");
        assertThat(resources.at("/Database/Properties/Engine").asText()).isEqualTo("postgres");
        assertThat(resources.at("/Database/Properties/ManageMasterUserPassword").asBoolean()).isTrue();
    }

    /** The text between a generated block's BEGIN and END lines, without the indentation it has in the template. */
    static String generated(String command) throws IOException {
        List<String> lines = text().lines().toList();
        StringBuilder block = new StringBuilder();
        String indent = null;
        for (String line : lines) {
            if (line.strip().startsWith("# BEGIN opsbook " + command)) {
                indent = line.substring(0, line.indexOf('#'));
            } else if (indent != null && line.strip().startsWith("# END opsbook")) {
                return block.toString();
            } else if (indent != null) {
                block.append(line.startsWith(indent) ? line.substring(indent.length()) : line.strip()).append('\n');
            }
        }
        throw new AssertionError("no block # BEGIN opsbook " + command + " ... # END in " + TEMPLATE);
    }

    private static Set<String> actions(JsonNode policies) {
        Set<String> actions = new TreeSet<>();
        for (JsonNode action : policies.findValues("Action")) {
            if (action.isArray()) {
                action.forEach(a -> actions.add(a.asText()));
            } else {
                actions.add(action.asText());
            }
        }
        return actions;
    }

    private static List<String> ofType(JsonNode resources, String type) {
        List<String> names = new ArrayList<>();
        resources.fields().forEachRemaining(r -> {
            if (r.getValue().path("Type").asText().equals(type)) {
                names.add(r.getKey());
            }
        });
        return names;
    }

    private static Set<String> names(JsonNode section) {
        Set<String> names = new TreeSet<>();
        section.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static void collect(JsonNode node, List<JsonNode> functions) {
        if (node.isObject()) {
            if (node.size() == 1) {
                String name = node.fieldNames().next();
                if (name.equals("Ref") || name.startsWith("Fn::")) {
                    functions.add(node);
                }
            }
            for (Iterator<JsonNode> values = node.elements(); values.hasNext(); ) {
                collect(values.next(), functions);
            }
        } else if (node.isArray()) {
            node.forEach(item -> collect(item, functions));
        }
    }
}
