package dev.opsbook.alarm;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.notContaining;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.client.WireMock;

/**
 * CloudWatch as WireMock serves it, in its Query protocol (form posts in, XML out): two pages of DescribeAlarms (a metric
 * alarm on the first; a metric-math alarm and a composite alarm on the second, asked for with the first page's NextToken)
 * and the tags of each alarm (the composite one names its runbook).
 */
public final class CloudWatchFakes {

    public static final String NS = "http://monitoring.amazonaws.com/doc/2010-08-01/";
    public static final String ARN = "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:";

    private CloudWatchFakes() {
    }

    /** Serves the two pages and the tags on {@code wiremock}. */
    public static void serveAlarms(WireMock wiremock) {
        wiremock.register(post(urlEqualTo("/")).withRequestBody(containing("Action=DescribeAlarms"))
                .withRequestBody(notContaining("NextToken")).willReturn(xml("DescribeAlarms", """
                        <MetricAlarms><member>
                          <AlarmName>web-1-instance-status-check</AlarmName>
                          <AlarmArn>%sweb-1-instance-status-check</AlarmArn>
                          <AlarmDescription>The instance's own status check fails</AlarmDescription>
                          <StateValue>OK</StateValue>
                          <MetricName>StatusCheckFailed_Instance</MetricName>
                          <Namespace>AWS/EC2</Namespace>
                          <Statistic>Maximum</Statistic>
                          <Dimensions><member><Name>InstanceId</Name><Value>i-0abcd1234ef567890</Value></member></Dimensions>
                          <Period>60</Period>
                          <EvaluationPeriods>2</EvaluationPeriods>
                          <Threshold>1.0</Threshold>
                          <ComparisonOperator>GreaterThanOrEqualToThreshold</ComparisonOperator>
                        </member></MetricAlarms>
                        <CompositeAlarms/>
                        <NextToken>page-2</NextToken>""".formatted(ARN))));
        wiremock.register(post(urlEqualTo("/")).withRequestBody(containing("Action=DescribeAlarms"))
                .withRequestBody(containing("NextToken=page-2")).willReturn(xml("DescribeAlarms", """
                        <MetricAlarms><member>
                          <AlarmName>api-5xx-rate</AlarmName>
                          <AlarmArn>%sapi-5xx-rate</AlarmArn>
                          <StateValue>OK</StateValue>
                          <Metrics>
                            <member><Id>e1</Id><Expression>100 * errors / requests</Expression><ReturnData>true</ReturnData></member>
                            <member><Id>errors</Id><ReturnData>false</ReturnData><MetricStat><Metric><Namespace>AWS/ApplicationELB</Namespace>
                              <MetricName>HTTPCode_ELB_5XX_Count</MetricName></Metric><Period>60</Period><Stat>Sum</Stat></MetricStat></member>
                          </Metrics>
                          <EvaluationPeriods>3</EvaluationPeriods>
                          <Threshold>5.0</Threshold>
                          <ComparisonOperator>GreaterThanThreshold</ComparisonOperator>
                        </member></MetricAlarms>
                        <CompositeAlarms><member>
                          <AlarmName>checkout-down</AlarmName>
                          <AlarmArn>%scheckout-down</AlarmArn>
                          <AlarmRule>ALARM(checkout-5xx) OR ALARM(checkout-latency)</AlarmRule>
                          <StateValue>OK</StateValue>
                        </member></CompositeAlarms>""".formatted(ARN, ARN))));
        tags(wiremock, "web-1-instance-status-check", "<member><Key>team</Key><Value>compute</Value></member>");
        tags(wiremock, "api-5xx-rate", "");
        tags(wiremock, "checkout-down", "<member><Key>runbook</Key><Value>service-down</Value></member>");
    }

    private static void tags(WireMock wiremock, String alarm, String members) {
        wiremock.register(post(urlEqualTo("/")).withRequestBody(containing("Action=ListTagsForResource"))
                .withRequestBody(containing("ResourceARN=" + java.net.URLEncoder.encode(ARN + alarm, java.nio.charset.StandardCharsets.UTF_8)))
                .willReturn(xml("ListTagsForResource", "<Tags>" + members + "</Tags>")));
    }

    /** CloudWatch refusing an operation as it refuses an identity without the permission. */
    public static void refuse(WireMock wiremock, String operation) {
        wiremock.register(post(urlEqualTo("/")).withRequestBody(containing("Action=" + operation)).atPriority(1)
                .willReturn(aResponse().withStatus(403).withHeader("Content-Type", "text/xml").withBody("""
                        <ErrorResponse xmlns="%s"><Error><Type>Sender</Type><Code>AccessDenied</Code>
                        <Message>User: arn:aws:iam::123456789012:user/ops is not authorized to perform: cloudwatch:%s</Message></Error>
                        <RequestId>req-denied</RequestId></ErrorResponse>""".formatted(NS, operation))));
    }

    private static ResponseDefinitionBuilder xml(String operation, String result) {
        return aResponse().withStatus(200).withHeader("Content-Type", "text/xml").withBody("<" + operation + "Response xmlns=\"" + NS + "\"><"
                + operation + "Result>" + result + "</" + operation + "Result><ResponseMetadata><RequestId>req-" + operation
                + "</RequestId></ResponseMetadata></" + operation + "Response>");
    }
}
