package dev.opsbook.alarm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsbook.aws.AwsClients;
import dev.opsbook.aws.ShapeDocuments;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.AlarmType;
import software.amazon.awssdk.services.cloudwatch.model.DescribeAlarmsResponse;
import software.amazon.awssdk.services.cloudwatch.model.Tag;

/**
 * The alarms of a region, metric and composite, from CloudWatch: {@code DescribeAlarms} page by page, then each alarm's tags
 * ({@code ListTagsForResource}). The pages become the JSON {@code describe-alarms} prints ({@link ShapeDocuments}), so a
 * file and CloudWatch are read by one {@link DescribeAlarmsJson}. Region, credentials and endpoint are the
 * {@link AwsClients}' (the command's {@code --region}, {@code --profile}, {@code --endpoint-url}, or the SDK's own
 * configuration, {@code AWS_ENDPOINT_URL_CLOUDWATCH} included).
 */
public final class CloudWatchAlarms implements AlarmSource {

    private final AwsClients clients;

    public CloudWatchAlarms(AwsClients clients) {
        this.clients = clients;
    }

    @Override
    public Alarms read() throws AlarmReadException {
        String region = clients.defaultRegion().orElseThrow(() -> new AlarmReadException(
                "cannot read CloudWatch alarms: no AWS region: pass --region, or set AWS_REGION or region in the AWS profile"));
        Optional<String> noCredentials = clients.credentialsProblem();
        if (noCredentials.isPresent()) {
            throw new AlarmReadException("cannot read CloudWatch alarms: " + noCredentials.get());
        }
        String from = "CloudWatch in " + region;
        CloudWatchClient cloudWatch = clients.client(CloudWatchClient.class, region);
        ObjectNode described = JsonNodeFactory.instance.objectNode();
        ArrayNode metric = described.putArray("MetricAlarms");
        ArrayNode composite = described.putArray("CompositeAlarms");
        try {
            for (DescribeAlarmsResponse page : cloudWatch.describeAlarmsPaginator(
                    r -> r.alarmTypes(AlarmType.METRIC_ALARM, AlarmType.COMPOSITE_ALARM))) {
                JsonNode json = ShapeDocuments.json(page);
                json.path("MetricAlarms").forEach(metric::add);
                json.path("CompositeAlarms").forEach(composite::add);
            }
        } catch (SdkException e) {
            throw new AlarmReadException(problem("DescribeAlarms", region, e), e);
        }
        List<Alarm> alarms = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        for (Alarm alarm : DescribeAlarmsJson.alarms(described, from)) {
            if (!warnings.isEmpty()) { // //why: tags refused once are refused for every alarm; asking again only slows the page
                alarms.add(alarm);
                continue;
            }
            try {
                Map<String, String> tags = new LinkedHashMap<>();
                for (Tag tag : cloudWatch.listTagsForResource(r -> r.resourceARN(alarm.arn())).tags()) {
                    tags.put(tag.key(), tag.value());
                }
                alarms.add(alarm.withTags(tags));
            } catch (SdkException e) {
                warnings.add("alarm tags not read, so runbook tags are not seen: " + problem("ListTagsForResource", region, e));
                alarms.add(alarm);
            }
        }
        return new Alarms(from, alarms, warnings);
    }

    /** One line: what CloudWatch or the SDK said, and what to do about it. */
    static String problem(String operation, String region, SdkException e) {
        if (e instanceof AwsServiceException service) {
            String code = service.awsErrorDetails() == null ? "" : String.valueOf(service.awsErrorDetails().errorCode());
            String message = service.awsErrorDetails() == null ? firstLine(service.getMessage())
                    : firstLine(String.valueOf(service.awsErrorDetails().errorMessage()));
            if (service.statusCode() == 403 || code.startsWith("AccessDenied") || code.equals("UnauthorizedOperation")) {
                return "CloudWatch in " + region + " refused " + operation + " (" + code + "): allow cloudwatch:DescribeAlarms and"
                        + " cloudwatch:ListTagsForResource to the identity opsbook runs as (opsbook policy --service lists them)";
            }
            if (code.equals("InvalidClientTokenId") || code.equals("SignatureDoesNotMatch") || code.startsWith("ExpiredToken")
                    || code.equals("UnrecognizedClientException")) {
                return "CloudWatch in " + region + " does not accept the AWS credentials (" + code + "): renew them, or pass"
                        + " --profile NAME";
            }
            return "CloudWatch in " + region + " answered " + operation + " with " + code + " (HTTP " + service.statusCode() + "): "
                    + message;
        }
        String cause = e instanceof SdkClientException ? firstLine(e.getMessage()) : e.toString();
        return "cannot reach CloudWatch in " + region + " for " + operation + ": " + cause + "; check --region, --endpoint-url"
                + " and the network";
    }

    private static String firstLine(String text) {
        String line = text == null ? "" : text.lines().findFirst().orElse("");
        return line.length() > 300 ? line.substring(0, 300) + "…" : line;
    }
}
