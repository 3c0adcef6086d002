package dev.opsbook.deploy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsbook.trigger.EventBridgeRules;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The EventBridge rules as JSON (what {@code opsbook deploy rules} prints) or as CloudFormation
 * resources for {@code deploy/cloudformation.yaml}: one {@code AWS::Events::Rule} per rule with the
 * queue as its target, and the queue's policy, which lets {@code events.amazonaws.com} send from
 * those rules and no others.
 */
public final class RuleResources {

    private RuleResources() {
    }

    /** {@code [{"eventPattern": {...}, "triggers": [{"runbook", "file", "trigger"}]}]}. */
    public static ArrayNode json(List<EventBridgeRules.Rule> rules) {
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        for (EventBridgeRules.Rule rule : rules) {
            ObjectNode entry = out.addObject();
            ArrayNode triggers = entry.putArray("triggers");
            for (EventBridgeRules.Source source : rule.sources()) {
                triggers.addObject().put("runbook", source.runbook()).put("file", source.file()).put("trigger", source.trigger());
            }
            entry.set("eventPattern", rule.pattern());
        }
        return out;
    }

    /** The resources, by logical id: {@code OpsbookRule1}... and {@code EventQueuePolicy}; none when there is no rule. */
    public static Map<String, Object> cloudFormation(List<EventBridgeRules.Rule> rules) {
        Map<String, Object> resources = new LinkedHashMap<>();
        List<Object> ruleArns = new ArrayList<>();
        for (int i = 0; i < rules.size(); i++) {
            EventBridgeRules.Rule rule = rules.get(i);
            String name = Template.RULE_PREFIX + (i + 1);
            Map<String, Object> properties = new LinkedHashMap<>();
            properties.put("Description", "opsbook: " + String.join(", ", rule.sources().stream().map(EventBridgeRules.Source::label).toList()));
            properties.put("EventBusName", Intrinsic.ref(Template.EVENT_BUS_PARAMETER));
            properties.put("State", "ENABLED");
            properties.put("EventPattern", rule.pattern());
            properties.put("Targets", List.of(ordered("Id", "opsbook-queue", "Arn", Intrinsic.getAtt(Template.QUEUE, "Arn"))));
            resources.put(name, resource("AWS::Events::Rule", properties));
            ruleArns.add(Intrinsic.getAtt(name, "Arn"));
        }
        if (rules.isEmpty()) {
            return resources;
        }
        Map<String, Object> statement = new LinkedHashMap<>();
        statement.put("Sid", "EventsFromOpsbookRules");
        statement.put("Effect", "Allow");
        statement.put("Principal", ordered("Service", "events.amazonaws.com"));
        statement.put("Action", "sqs:SendMessage");
        statement.put("Resource", Intrinsic.getAtt(Template.QUEUE, "Arn"));
        statement.put("Condition", ordered("ArnEquals", ordered("aws:SourceArn", ruleArns)));
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("Version", "2012-10-17");
        document.put("Statement", List.of(statement));
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("Queues", List.of(Intrinsic.ref(Template.QUEUE)));
        properties.put("PolicyDocument", document);
        resources.put(Template.QUEUE_POLICY, resource("AWS::SQS::QueuePolicy", properties));
        return resources;
    }

    /** //why: Map.of iterates in an order that changes from run to run; the template must not. */
    private static Map<String, Object> ordered(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    private static Map<String, Object> resource(String type, Map<String, Object> properties) {
        Map<String, Object> resource = new LinkedHashMap<>();
        resource.put("Type", type);
        resource.put("Properties", properties);
        return resource;
    }
}
