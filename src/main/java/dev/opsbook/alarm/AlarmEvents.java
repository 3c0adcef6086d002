package dev.opsbook.alarm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

/**
 * The EventBridge event CloudWatch sends when an alarm enters ALARM ("CloudWatch Alarm State Change", source
 * {@code aws.cloudwatch}), shaped as AWS documents it: the alarm's ARN as the one resource; in {@code detail} the alarm's
 * name, {@code state} ALARM, {@code previousState} OK, and {@code configuration}: the description and the metrics (each
 * {@code metricStat} with the metric's namespace, name and dimensions as an object, or a math {@code expression}) of a
 * metric alarm, the {@code alarmRule} and actions suppressor of a composite alarm. Pure.
 */
public final class AlarmEvents {

    public static final String SOURCE = "aws.cloudwatch";
    public static final String DETAIL_TYPE = "CloudWatch Alarm State Change";

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final DateTimeFormatter DETAIL_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ").withZone(ZoneOffset.UTC);

    private AlarmEvents() {
    }

    /** The event of {@code alarm} entering ALARM at {@code time}. Its id is the same for the same alarm and time. */
    public static ObjectNode enteringAlarm(Alarm alarm, Instant time) {
        ObjectNode event = JSON.objectNode();
        event.put("version", "0");
        event.put("id", uuid(alarm.arn() + "@" + time).toString());
        event.put("detail-type", DETAIL_TYPE);
        event.put("source", SOURCE);
        event.put("account", alarm.account());
        event.put("time", time.truncatedTo(ChronoUnit.SECONDS).toString());
        event.put("region", alarm.region());
        event.putArray("resources").add(alarm.arn());
        ObjectNode detail = event.putObject("detail");
        detail.put("alarmName", alarm.name());
        detail.set("state", state("ALARM", "opsbook coverage: the alarm as it enters ALARM", time));
        detail.set("previousState", state("OK", "opsbook coverage: the alarm before it entered ALARM", time));
        detail.set("configuration", alarm.composite() ? compositeConfiguration(alarm) : metricConfiguration(alarm));
        return event;
    }

    private static ObjectNode state(String value, String reason, Instant time) {
        ObjectNode state = JSON.objectNode();
        state.put("value", value);
        state.put("reason", reason);
        state.put("timestamp", DETAIL_TIME.format(time));
        return state;
    }

    private static ObjectNode compositeConfiguration(Alarm alarm) {
        ObjectNode configuration = JSON.objectNode();
        alarm.description().ifPresent(d -> configuration.put("description", d));
        configuration.set("alarmRule", alarm.described().path("AlarmRule"));
        copy(alarm.described(), "ActionsSuppressor", configuration, "actionsSuppressor");
        copy(alarm.described(), "ActionsSuppressorWaitPeriod", configuration, "actionsSuppressorWaitPeriod");
        copy(alarm.described(), "ActionsSuppressorExtensionPeriod", configuration, "actionsSuppressorExtensionPeriod");
        return configuration;
    }

    private static ObjectNode metricConfiguration(Alarm alarm) {
        ObjectNode configuration = JSON.objectNode();
        alarm.description().ifPresent(d -> configuration.put("description", d));
        ArrayNode metrics = configuration.putArray("metrics");
        List<JsonNode> queries = alarm.metricQueries();
        if (queries.isEmpty()) {
            // a single-metric alarm: CloudWatch names its one query with a generated id
            ObjectNode query = metrics.addObject();
            query.put("id", uuid(alarm.arn()).toString());
            query.set("metricStat", metricStat(alarm.described(), alarm.described()));
            query.put("returnData", true);
            return configuration;
        }
        for (JsonNode described : queries) {
            ObjectNode query = metrics.addObject();
            copy(described, "Id", query, "id");
            copy(described, "Expression", query, "expression");
            copy(described, "Label", query, "label");
            JsonNode stat = described.path("MetricStat");
            if (stat.isObject()) {
                query.set("metricStat", metricStat(stat.path("Metric"), stat));
            }
            query.put("returnData", described.path("ReturnData").asBoolean(true));
            copy(described, "Period", query, "period");
        }
        return configuration;
    }

    /** {@code {metric: {namespace, name, dimensions: {NAME: VALUE}}, period, stat, unit}} from a metric and its statistic. */
    private static ObjectNode metricStat(JsonNode metric, JsonNode statistic) {
        ObjectNode stat = JSON.objectNode();
        ObjectNode m = stat.putObject("metric");
        copy(metric, "Namespace", m, "namespace");
        copy(metric, "MetricName", m, "name");
        ObjectNode dimensions = m.putObject("dimensions");
        for (JsonNode dimension : metric.path("Dimensions")) {
            dimensions.put(dimension.path("Name").asText(), dimension.path("Value").asText());
        }
        copy(statistic, "Period", stat, "period");
        if (statistic.hasNonNull("Stat")) {
            copy(statistic, "Stat", stat, "stat");
        } else if (statistic.hasNonNull("Statistic")) {
            copy(statistic, "Statistic", stat, "stat");
        } else {
            copy(statistic, "ExtendedStatistic", stat, "stat");
        }
        copy(statistic, "Unit", stat, "unit");
        return stat;
    }

    private static void copy(JsonNode from, String member, ObjectNode to, String as) {
        JsonNode value = from.get(member);
        if (value != null && !value.isNull()) {
            to.set(as, value);
        }
    }

    private static UUID uuid(String seed) {
        return UUID.nameUUIDFromBytes(seed.getBytes(StandardCharsets.UTF_8));
    }
}
