package dev.opsbook.trigger;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What an EventBridge event is, and the reason given for each body that is not one. */
class EventEnvelopeTest {

    @Test
    void an_event_is_read_into_its_envelope_fields_and_kept_whole() {
        EventEnvelope event = Events.envelope("ec2-state-change-stopped.json");

        assertThat(event.id()).isEqualTo("7c2a1f3e-5d6b-4e8f-9a0b-1c2d3e4f5a6b");
        assertThat(event.source()).isEqualTo("aws.ec2");
        assertThat(event.detailType()).isEqualTo("EC2 Instance State-change Notification");
        assertThat(event.time()).isEqualTo(Instant.parse("2025-06-12T09:15:02Z"));
        assertThat(event.account()).isEqualTo("123456789012");
        assertThat(event.region()).isEqualTo("eu-west-1");
        assertThat(event.resources()).containsExactly("arn:aws:ec2:eu-west-1:123456789012:instance/i-0abcd1234ef567890");
        assertThat(event.detail().get("state").textValue()).isEqualTo("stopped");
        assertThat(event.raw().get("version").textValue()).isEqualTo("0");
        assertThat(event.raw()).isEqualTo(Events.json(Events.resource("ec2-state-change-stopped.json")));
        assertThat(event.summary()).isEqualTo("aws.ec2 / EC2 Instance State-change Notification (id 7c2a1f3e-5d6b-4e8f-9a0b-1c2d3e4f5a6b,"
                + " account 123456789012, eu-west-1, 2025-06-12T09:15:02Z)");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "malformed-not-json.json | not JSON: Unexpected character ('}' (code 125)): was expecting a colon to separate field name and value at line 1 column 24",
        "malformed-no-detail-type.json | field 'detail-type' is missing",
        "malformed-detail-not-object.json | field 'detail' must be an object, not a string",
    })
    void a_malformed_event_file_is_rejected_with_a_reason_naming_the_field(String file, String reason) {
        assertThat(EventEnvelope.parse(Events.text(Events.resource(file)))).isEqualTo(new EventEnvelope.Rejection(reason));
    }

    @Test
    void every_other_way_a_body_is_not_an_event_has_its_reason() {
        String valid = Events.text(Events.resource("ec2-state-change-stopped.json"));
        List<String> reasons = List.of(
                "",
                "  \n",
                "[1, 2]",
                "\"aws.ec2\"",
                "{\"id\": \"x\", \"source\": \"aws.ec2\"}",
                "{\"Records\": [{\"eventSource\": \"aws:s3\"}]}",
                "{\"Type\": \"Notification\", \"TopicArn\": \"arn:aws:sns:us-east-1:123456789012:t\", \"Message\": \"{}\"}",
                "{\"eventArn\": \"arn:aws:health:us-east-1::event/X\", \"eventTypeCode\": \"AWS_EC2_X\"}",
                valid + " {}",
                valid.replace("\"2025-06-12T09:15:02Z\"", "\"yesterday\""),
                valid.replace("\"region\": \"eu-west-1\"", "\"region\": 7"),
                valid.replace("\"resources\": [", "\"resources\": [42, "),
                valid.replace("\"resources\": [", "\"resources\": \"x\", \"r\": ["))
                .stream().map(body -> ((EventEnvelope.Rejection) EventEnvelope.parse(body)).reason()).toList();

        assertThat(reasons).containsExactly(
                "empty: an EventBridge event is a JSON object",
                "empty: an EventBridge event is a JSON object",
                "not an EventBridge event: the JSON is a list, not an object",
                "not an EventBridge event: the JSON is a string, not an object",
                "fields 'detail-type', 'account', 'time', 'region', 'resources', 'detail' are missing",
                "fields 'id', 'detail-type', 'source', 'account', 'time', 'region', 'resources', 'detail' are missing;"
                        + " this looks like an S3, SQS or SNS notification (Records), not an EventBridge event",
                "fields 'id', 'detail-type', 'source', 'account', 'time', 'region', 'resources', 'detail' are missing;"
                        + " this looks like an SNS message: the EventBridge event is the text of its Message",
                "fields 'id', 'detail-type', 'source', 'account', 'time', 'region', 'resources', 'detail' are missing;"
                        + " this looks like the detail of an AWS Health event: EventBridge delivers it as detail of an event with source aws.health",
                "not JSON: more text after the end of the JSON value at line 17 column 2",
                "field 'time' must be a timestamp such as 2019-10-02T17:04:40Z, not 'yesterday'",
                "field 'region' must be a string, not a number",
                "field 'resources' must be a list of ARNs, but item 1 is a number",
                "field 'resources' must be a list of ARNs, not a string");
    }
}
