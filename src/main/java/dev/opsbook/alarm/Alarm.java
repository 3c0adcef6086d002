package dev.opsbook.alarm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A CloudWatch alarm, metric or composite, as {@code DescribeAlarms} describes it, with its tags.
 *
 * @param described the alarm's entry of {@code MetricAlarms} or {@code CompositeAlarms}, member names as the API has them
 * @param tags the alarm's tags ({@code ListTagsForResource}); empty when not read
 */
public record Alarm(String name, String arn, boolean composite, ObjectNode described, Map<String, String> tags) {

    /** Where an alarm names the runbook that handles it. */
    public record NamedRunbook(String id, String where) {
    }

    /** The tag whose value names the alarm's runbook. */
    public static final String RUNBOOK_TAG = "runbook";

    // "runbook: ID", "runbook=ID", or a link to a runbook page of serve (".../runbooks/ID")
    private static final Pattern IN_DESCRIPTION = Pattern.compile(
            "(?i)(?:\\brunbook\\s*[:=]\\s*|/runbooks/)([A-Za-z0-9][A-Za-z0-9._-]*[A-Za-z0-9]|[A-Za-z0-9])");
    private static final Pattern ARN = Pattern.compile("arn:[^:]+:cloudwatch:([^:]*):([^:]*):alarm:.*");

    public Alarm {
        tags = Map.copyOf(tags);
    }

    public Alarm withTags(Map<String, String> tags) {
        return new Alarm(name, arn, composite, described, tags);
    }

    public Optional<String> description() {
        return text(described, "AlarmDescription");
    }

    /** The alarm's state now (OK, ALARM, INSUFFICIENT_DATA), when told. */
    public Optional<String> state() {
        return text(described, "StateValue");
    }

    public String region() {
        Matcher m = ARN.matcher(arn);
        return m.matches() ? m.group(1) : "";
    }

    public String account() {
        Matcher m = ARN.matcher(arn);
        return m.matches() ? m.group(2) : "";
    }

    /** The namespaces the alarm watches, in the order its metrics name them; none for a composite alarm. */
    public List<String> namespaces() {
        return metricsPart("Namespace");
    }

    /** The metrics the alarm watches; none for a composite alarm. */
    public List<String> metrics() {
        return metricsPart("MetricName");
    }

    /** What the alarm watches, for people: "AWS/EC2 CPUUtilization", "m1/m2 of AWS/ELB ...", "composite: ALARM(a) OR ALARM(b)". */
    public String watches() {
        if (composite) {
            return "composite: " + text(described, "AlarmRule").orElse("?");
        }
        String metrics = String.join(", ", namespaceAndMetric());
        Optional<String> expression = metricQueries().stream().filter(q -> q.path("ReturnData").asBoolean(true))
                .map(q -> q.path("Expression").asText("")).filter(e -> !e.isEmpty()).findFirst();
        return expression.map(e -> e + (metrics.isEmpty() ? "" : " of " + metrics)).orElse(metrics.isEmpty() ? "?" : metrics);
    }

    /**
     * The runbook the alarm names: its {@code runbook} tag, else {@code runbook: ID} or a link to {@code /runbooks/ID} in
     * its description.
     */
    public Optional<NamedRunbook> namedRunbook() {
        String tagged = tags.get(RUNBOOK_TAG);
        if (tagged != null && !tagged.isBlank()) {
            return Optional.of(new NamedRunbook(tagged.strip(), "tag " + RUNBOOK_TAG));
        }
        return description().map(IN_DESCRIPTION::matcher).filter(Matcher::find).map(m -> new NamedRunbook(m.group(1), "description"));
    }

    List<JsonNode> metricQueries() {
        JsonNode metrics = described.path("Metrics");
        return metrics.isArray() ? List.copyOf(iterable(metrics)) : List.of();
    }

    /** "NAMESPACE METRIC, METRIC" per namespace, in the order the alarm names them. */
    private List<String> namespaceAndMetric() {
        Map<String, Set<String>> byNamespace = new java.util.LinkedHashMap<>();
        List<JsonNode> metrics = new java.util.ArrayList<>();
        metrics.add(described);
        metricQueries().forEach(q -> metrics.add(q.path("MetricStat").path("Metric")));
        for (JsonNode metric : metrics) {
            if (metric.hasNonNull("MetricName")) {
                byNamespace.computeIfAbsent(metric.path("Namespace").asText(""), n -> new LinkedHashSet<>())
                        .add(metric.path("MetricName").asText(""));
            }
        }
        return byNamespace.entrySet().stream().map(e -> (e.getKey() + " " + String.join(", ", e.getValue())).strip()).toList();
    }

    private List<String> metricsPart(String member) {
        Set<String> all = new LinkedHashSet<>();
        text(described, member).ifPresent(all::add);
        for (JsonNode query : metricQueries()) {
            text(query.path("MetricStat").path("Metric"), member).ifPresent(all::add);
        }
        return List.copyOf(all);
    }

    static Optional<String> text(JsonNode node, String member) {
        JsonNode value = node.get(member);
        return value != null && value.isValueNode() && !value.isNull() ? Optional.of(value.asText()) : Optional.empty();
    }

    private static List<JsonNode> iterable(JsonNode array) {
        List<JsonNode> items = new java.util.ArrayList<>();
        array.forEach(items::add);
        return items;
    }
}
