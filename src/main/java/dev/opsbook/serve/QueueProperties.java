package dev.opsbook.serve;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the SQS connector of the channel {@code events} is told before Quarkus boots, from the
 * queue's URL alone (application.properties maps these onto {@code mp.messaging.incoming.events.*}):
 * the endpoint is the queue's own origin (not --endpoint-url, which is for the steps' AWS calls),
 * the region is the one given, or the URL's, or us-east-1 for a queue outside AWS; the embedded
 * queue gets credentials it accepts, a real one the AWS default chain.
 */
public final class QueueProperties {

    private static final Pattern AWS_HOST = Pattern.compile("sqs[.-]([a-z0-9-]+)\\.amazonaws\\.com(\\.cn)?|([a-z0-9-]+)\\.queue\\.amazonaws\\.com");

    private QueueProperties() {
    }

    /**
     * @param region --region or opsbook.aws.region, if given
     * @param embedded whether the queue is the one serve started in its process
     * @throws IllegalArgumentException with the one line to print, for a URL that is none
     */
    public static Map<String, String> of(String queueUrl, Optional<String> region, boolean embedded) {
        URI url = parse(queueUrl);
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("opsbook.queue-url", queueUrl);
        properties.put("opsbook.queue-endpoint", url.getScheme() + "://" + url.getRawAuthority());
        properties.put("opsbook.queue-region", region.filter(r -> !r.isBlank()).orElseGet(() -> regionOf(url.getHost())));
        if (embedded) {
            // //why: the embedded queue checks no signature; an SDK class, since the connector loads it by name from its own class loader
            properties.put("opsbook.queue-credentials", "software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider");
        }
        return properties;
    }

    /** @throws IllegalArgumentException with the one line to print */
    public static URI parse(String queueUrl) {
        try {
            URI url = new URI(queueUrl);
            if ((!"http".equals(url.getScheme()) && !"https".equals(url.getScheme())) || url.getHost() == null
                    || url.getPath() == null || url.getPath().length() < 2) {
                throw new java.net.URISyntaxException(queueUrl, "not an http(s) URL with a host and a path");
            }
            return url;
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("--queue-url must be an SQS queue URL such as"
                    + " https://sqs.us-east-1.amazonaws.com/123456789012/opsbook-events, not '" + queueUrl + "'");
        }
    }

    static String regionOf(String host) {
        Matcher aws = AWS_HOST.matcher(host);
        if (aws.matches()) {
            return aws.group(1) != null ? aws.group(1) : aws.group(3);
        }
        return "us-east-1"; // //why: a queue outside AWS (ElasticMQ, LocalStack) takes any region; the SDK needs one to sign
    }
}
