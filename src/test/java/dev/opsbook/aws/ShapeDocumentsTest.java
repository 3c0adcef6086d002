package dev.opsbook.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricDataRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.lambda.model.InvokeRequest;

/** JSON to SDK requests and back, through the SDK's own model: every shape a request can hold. */
class ShapeDocumentsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }

    @Test
    void nested_structures_lists_timestamps_and_enums_round_trip() throws Exception {
        JsonNode input = json("""
                {"StartTime": "2026-11-23T02:00:00Z", "EndTime": 1795404000, "ScanBy": "TimestampDescending",
                 "MetricDataQueries": [{"Id": "throttles", "ReturnData": true,
                   "MetricStat": {"Period": 60, "Stat": "Sum",
                     "Metric": {"Namespace": "AWS/Lambda", "MetricName": "Throttles",
                                "Dimensions": [{"Name": "FunctionName", "Value": "my-fn"}]}}}]}""");

        GetMetricDataRequest request = (GetMetricDataRequest) ShapeDocuments.request(GetMetricDataRequest.class, input);

        assertThat(request.startTime()).isEqualTo(Instant.parse("2026-11-23T02:00:00Z"));
        assertThat(request.endTime()).isEqualTo(Instant.ofEpochSecond(1795404000));
        assertThat(request.scanByAsString()).isEqualTo("TimestampDescending");
        assertThat(request.metricDataQueries().get(0).metricStat().metric().dimensions().get(0).value()).isEqualTo("my-fn");
        JsonNode back = ShapeDocuments.json(request);
        assertThat(back.at("/MetricDataQueries/0/MetricStat/Metric/Dimensions/0/Name").asText()).isEqualTo("FunctionName");
        assertThat(back.at("/MetricDataQueries/0/ReturnData").asBoolean()).isTrue();
        assertThat(back.at("/StartTime").asText()).isEqualTo("2026-11-23T02:00:00Z");
    }

    @Test
    void maps_of_structures_and_blobs_round_trip() throws Exception {
        PutItemRequest item = (PutItemRequest) ShapeDocuments.request(PutItemRequest.class, json("""
                {"TableName": "incidents", "Item": {"id": {"S": "INC-1"}, "count": {"N": "3"}, "tags": {"SS": ["a", "b"]}}}"""));
        InvokeRequest invoke = (InvokeRequest) ShapeDocuments.request(InvokeRequest.class, json("""
                {"FunctionName": "my-fn", "Payload": "{\\"ping\\": true}"}"""));

        assertThat(item.item().get("count").n()).isEqualTo("3");
        assertThat(item.item().get("tags").ss()).containsExactly("a", "b");
        assertThat(ShapeDocuments.json(item).at("/Item/id/S").asText()).isEqualTo("INC-1");
        assertThat(invoke.payload().asUtf8String()).isEqualTo("{\"ping\": true}");
        assertThat(ShapeDocuments.json(invoke).path("Payload").asText()).isEqualTo("{\"ping\": true}");
    }

    @Test
    void every_problem_in_an_input_is_reported_at_its_place() throws Exception {
        var problems = ShapeDocuments.check(GetMetricDataRequest.class, json("""
                {"StartTime": "yesterday", "MetricDataQueries": [{"Id": "a", "MetricStat": {"Period": "sixty", "Stats": "Sum"}}],
                 "EndTime": "{{ run.startedAt }}"}"""));

        assertThat(problems).extracting(ShapeDocuments.Problem::pointer).containsExactly(
                "/StartTime", "/MetricDataQueries/0/MetricStat/Period", "/MetricDataQueries/0/MetricStat/Stats");
        assertThat(problems.get(0).message()).isEqualTo("'yesterday' is not a timestamp (ISO-8601, e.g. 2026-11-23T03:00:00Z)");
        assertThat(problems.get(2).message()).startsWith("unknown member 'Stats' of MetricStat; did you mean 'Stat'?");
        assertThatThrownBy(() -> ShapeDocuments.request(GetMetricDataRequest.class, json("{\"StartTime\": \"yesterday\"}")))
                .isInstanceOf(ShapeDocuments.InvalidInput.class).hasMessage("/StartTime: 'yesterday' is not a timestamp (ISO-8601, e.g. 2026-11-23T03:00:00Z)");
    }
}
