package dev.opsbook.alarm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsbook.trigger.EventEnvelope;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The event an alarm sends on entering ALARM, built from describe-alarms JSON, has the shape AWS documents and sends. */
class AlarmEventsTest {

    private static final Instant AT = Instant.parse("2025-06-12T09:20:41.512Z");

    private static List<Alarm> alarms() throws Exception {
        Path file = Path.of("src/test/resources/coverage/alarms.json");
        return DescribeAlarmsJson.alarms(new ObjectMapper().readTree(file.toFile()), file.toString());
    }

    @Test
    void a_metric_alarm_sends_what_cloudwatch_sent_for_the_same_alarm_but_the_reasons() throws Exception {
        JsonNode sent = new ObjectMapper().readTree(Path.of("src/test/resources/events/cloudwatch-alarm-status-check-failed.json").toFile());
        ObjectNode built = AlarmEvents.enteringAlarm(alarms().get(0), AT);

        assertThat(EventEnvelope.of(built)).isInstanceOf(EventEnvelope.class);
        for (String field : List.of("version", "detail-type", "source", "account", "time", "region", "resources")) {
            assertThat(built.get(field)).as(field).isEqualTo(sent.get(field));
        }
        assertThat(built.at("/detail/alarmName")).isEqualTo(sent.at("/detail/alarmName"));
        assertThat(built.at("/detail/state/value").asText()).isEqualTo("ALARM");
        assertThat(built.at("/detail/state/timestamp")).isEqualTo(sent.at("/detail/state/timestamp"));
        assertThat(built.at("/detail/previousState/value").asText()).isEqualTo("OK");
        assertThat(built.at("/detail/configuration/description")).isEqualTo(sent.at("/detail/configuration/description"));
        assertThat(built.at("/detail/configuration/metrics/0/metricStat")).isEqualTo(sent.at("/detail/configuration/metrics/0/metricStat"));
        assertThat(built.at("/detail/configuration/metrics/0/returnData").asBoolean()).isTrue();
        assertThat(AlarmEvents.enteringAlarm(alarms().get(0), AT).path("id")).as("the same alarm and time, the same id").isEqualTo(built.path("id"));
    }

    @Test
    void a_metric_math_alarm_lists_its_expression_and_its_metrics_and_a_composite_alarm_its_rule() throws Exception {
        ObjectNode math = AlarmEvents.enteringAlarm(alarms().get(1), AT);
        JsonNode metrics = math.at("/detail/configuration/metrics");
        assertThat(metrics).hasSize(3);
        assertThat(metrics.get(0).toString()).isEqualTo("{\"id\":\"e1\",\"expression\":\"100 * errors / requests\",\"label\":\"5xx %\",\"returnData\":true}");
        assertThat(metrics.get(1).path("metricStat").toString()).isEqualTo("{\"metric\":{\"namespace\":\"AWS/ApplicationELB\","
                + "\"name\":\"HTTPCode_ELB_5XX_Count\",\"dimensions\":{\"LoadBalancer\":\"app/api/50dc6c495c0c9188\"}},\"period\":60,\"stat\":\"Sum\"}");
        assertThat(metrics.get(1).path("returnData").asBoolean()).isFalse();

        ObjectNode composite = AlarmEvents.enteringAlarm(alarms().get(3), AT);
        assertThat(composite.at("/detail/configuration/alarmRule").asText()).isEqualTo("ALARM(checkout-5xx) OR ALARM(checkout-latency)");
        assertThat(composite.at("/detail/configuration/metrics").isMissingNode()).isTrue();
        assertThat(composite.path("resources").toString()).isEqualTo("[\"arn:aws:cloudwatch:eu-west-1:123456789012:alarm:checkout-down\"]");
    }

    @Test
    void an_alarm_names_its_runbook_by_tag_before_its_description() throws Exception {
        List<Alarm> alarms = alarms();
        assertThat(alarms.get(2).namedRunbook()).contains(new Alarm.NamedRunbook("drain-orders", "description"));
        assertThat(alarms.get(3).namedRunbook()).contains(new Alarm.NamedRunbook("service-down", "tag runbook"));
        assertThat(alarms.get(0).namedRunbook()).isEmpty();
        Alarm linked = new Alarm("x", "arn:aws:cloudwatch:eu-west-1:1:alarm:x", false,
                (ObjectNode) new ObjectMapper().readTree("{\"AlarmDescription\":\"See https://ops.example.com/runbooks/ec2-recover for what to do\"}"),
                java.util.Map.of());
        assertThat(linked.namedRunbook()).contains(new Alarm.NamedRunbook("ec2-recover", "description"));
    }
}
