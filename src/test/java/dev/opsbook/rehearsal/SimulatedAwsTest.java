package dev.opsbook.rehearsal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.opsbook.aws.AwsCall;
import dev.opsbook.aws.AwsInvoker;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SimulatedAwsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static AwsAnswer.Parsed parse(String json) throws Exception {
        return AwsAnswer.parse(JSON.readTree(json), "/aws");
    }

    private static AwsCall call(String service, String operation, String input) throws Exception {
        return new AwsCall(service, operation, JSON.readTree(input), Optional.empty(), Optional.empty(), false);
    }

    @Test
    void several_entries_for_one_call_answer_in_order_and_the_last_keeps_answering() throws Exception {
        SimulatedAws aws = new SimulatedAws(parse("""
                [{"call": "ecs:DescribeServices", "respond": {"services": [{"status": "PENDING"}]}, "times": 2},
                 {"call": "ecs:DescribeServices", "respond": {"services": [{"status": "ACTIVE"}]}}]""").answers());
        AwsCall describe = call("ecs", "DescribeServices", "{\"services\": [\"web\"]}");

        assertThat(aws.invoke(describe, "s").result().at("/services/0/status").asText()).isEqualTo("PENDING");
        assertThat(aws.invoke(describe, "s").result().at("/services/0/status").asText()).isEqualTo("PENDING");
        assertThat(aws.invoke(describe, "s").result().at("/services/0/status").asText()).isEqualTo("ACTIVE");
        assertThat(aws.invoke(describe, "s").result().at("/services/0/status").asText()).isEqualTo("ACTIVE");
        assertThat(aws.calls()).hasSize(4).allMatch(SimulatedAws.MadeCall::answered);
    }

    @Test
    void an_entry_answers_only_calls_whose_input_has_its_members() throws Exception {
        SimulatedAws aws = new SimulatedAws(parse("""
                [{"call": "ec2:StopInstances", "input": {"InstanceIds": ["i-1"]}, "error": {"code": "IncorrectInstanceState", "message": "not running"}}]
                """).answers());

        AwsInvoker.Outcome stopped = aws.invoke(call("ec2", "StopInstances", "{\"InstanceIds\": [\"i-1\"], \"Force\": true}"), "s");
        AwsInvoker.Outcome other = aws.invoke(call("ec2", "StopInstances", "{\"InstanceIds\": [\"i-2\"]}"), "s");

        assertThat(stopped.ok()).isFalse();
        assertThat(stopped.message()).isEqualTo("ec2:StopInstances failed: IncorrectInstanceState (HTTP 400): not running [simulated]");
        assertThat(stopped.result().at("/Error/Code").asText()).isEqualTo("IncorrectInstanceState");
        assertThat(other.ok()).isFalse();
        assertThat(other.message()).startsWith("ec2:StopInstances is not simulated by this case: add to its aws: list - call: ec2:StopInstances");
        assertThat(aws.unsimulated()).containsExactly(other.message());
    }

    @Test
    void an_unknown_operation_gets_the_validators_suggestion_at_its_entry() throws Exception {
        AwsAnswer.Parsed parsed = parse("""
                [{"call": "ec2:DescribeInstance", "respond": {}}, {"call": "ec3:DescribeInstances"}, {"call": "ec2"}, {"call": "ec2:RebootInstances", "times": 0, "respnd": {}}]""");

        assertThat(parsed.problems()).extracting(Problem::pointer, Problem::message).containsExactly(
                org.assertj.core.groups.Tuple.tuple("/aws/0/call", "unknown operation 'DescribeInstance' of ec2; did you mean 'DescribeInstances'?"),
                org.assertj.core.groups.Tuple.tuple("/aws/1/call", "unknown AWS service 'ec3'; did you mean 'ec2'?"),
                org.assertj.core.groups.Tuple.tuple("/aws/2/call", "call: names the operation as service:Operation, e.g. ec2:StopInstances, not 'ec2'"),
                org.assertj.core.groups.Tuple.tuple("/aws/3/respnd#key", "unknown key 'respnd' in a simulated call; did you mean 'respond'?; keys: call, input, respond, error, times"),
                org.assertj.core.groups.Tuple.tuple("/aws/3/times", "times: is how many calls this entry answers, a whole number of at least 1"));
    }

    @Test
    void a_response_carries_metadata_as_a_real_one_does() throws Exception {
        SimulatedAws aws = new SimulatedAws(parse("[{\"call\": \"sts:GetCallerIdentity\", \"respond\": {\"Account\": \"123456789012\"}}]").answers());

        JsonNode result = aws.invoke(call("sts", "GetCallerIdentity", "{}"), "s").result();

        assertThat(result.path("Account").asText()).isEqualTo("123456789012");
        assertThat(result.at("/ResponseMetadata/HTTPStatusCode").asInt()).isEqualTo(200);
    }
}
