package dev.opsbook.aws;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;

/** AWS responses as the real endpoints send them, for WireMock to serve. */
public final class AwsFakes {

    public static final String EC2_NS = "http://ec2.amazonaws.com/doc/2016-11-15/";

    private AwsFakes() {
    }

    /** Credentials the SDK's default chain finds first; nothing leaves this machine. */
    public static void fakeCredentials() {
        System.setProperty("aws.accessKeyId", "AKIAOPSBOOKTEST");
        System.setProperty("aws.secretAccessKey", "opsbook-test-secret-key");
        System.setProperty("aws.disableEc2Metadata", "true");
    }

    public static ResponseDefinitionBuilder ec2(String operation, String requestId, String body) {
        return aResponse().withStatus(200).withHeader("Content-Type", "text/xml;charset=UTF-8")
                .withBody("<" + operation + "Response xmlns=\"" + EC2_NS + "\"><requestId>" + requestId + "</requestId>"
                        + body + "</" + operation + "Response>");
    }

    public static ResponseDefinitionBuilder ec2Instances(String requestId, String nextToken, String... idAndState) {
        StringBuilder items = new StringBuilder("<reservationSet>");
        for (String pair : idAndState) {
            String[] parts = pair.split(":");
            items.append("<item><reservationId>r-").append(parts[0]).append("</reservationId><instancesSet><item><instanceId>")
                    .append(parts[0]).append("</instanceId><instanceState><code>16</code><name>").append(parts[1])
                    .append("</name></instanceState><launchTime>2026-11-20T10:00:00.000Z</launchTime></item></instancesSet></item>");
        }
        items.append("</reservationSet>");
        if (nextToken != null) {
            items.append("<nextToken>").append(nextToken).append("</nextToken>");
        }
        return ec2("DescribeInstances", requestId, items.toString());
    }

    public static ResponseDefinitionBuilder ec2Error(int status, String code, String message, String requestId) {
        return aResponse().withStatus(status).withHeader("Content-Type", "text/xml;charset=UTF-8")
                .withBody("<Response><Errors><Error><Code>" + code + "</Code><Message>" + message
                        + "</Message></Error></Errors><RequestID>" + requestId + "</RequestID></Response>");
    }

    public static ResponseDefinitionBuilder json(String requestId, String body) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/x-amz-json-1.1")
                .withHeader("x-amzn-RequestId", requestId).withBody(body);
    }

    public static ResponseDefinitionBuilder rest(int status, String requestId, String body) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json")
                .withHeader("x-amzn-RequestId", requestId).withBody(body);
    }
}
