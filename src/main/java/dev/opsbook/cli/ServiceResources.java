package dev.opsbook.cli;

import dev.opsbook.aws.ServicePolicy;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The ARNs of serve's queue and record bucket, from their URLs as serve is given them, for {@code policy --service}. */
final class ServiceResources {

    /** https://sqs.REGION.amazonaws.com[.cn]/ACCOUNT/NAME, and the legacy REGION.queue.amazonaws.com. */
    private static final Pattern SQS_URL = Pattern.compile(
            "https://(?:sqs[.-]([a-z0-9-]+)|([a-z0-9-]+)\\.queue)\\.amazonaws\\.com(\\.cn)?/(\\d{12})/([A-Za-z0-9_.-]+)/?");
    private static final Pattern S3_DIR = Pattern.compile("s3://([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:/(.*))?");

    private ServiceResources() {
    }

    /**
     * @param queueUrl --queue-url, else opsbook.queue-url; the queue is any ({@code *}) when neither names one (said on stderr)
     * @param recordDir --record-dir, else opsbook.record-dir; no S3 access unless it is {@code s3://BUCKET[/PREFIX]}
     * @return empty, with the reason on stderr, for a URL that is no SQS queue's
     */
    static Optional<ServicePolicy.Resources> of(String queueUrl, String recordDir) {
        Optional<String> queue = Optional.ofNullable(queueUrl).or(() -> Setting.QUEUE_URL.value());
        String queueArn = "*";
        if (queue.isEmpty()) {
            System.err.println("opsbook: no queue named (--queue-url or opsbook.queue-url): the policy lets serve read any queue");
        } else {
            Matcher sqs = SQS_URL.matcher(queue.get().strip());
            if (!sqs.matches()) {
                System.err.println("error: --queue-url must be an SQS queue URL such as https://sqs.us-east-1.amazonaws.com/123456789012/opsbook-events,"
                        + " not '" + queue.get() + "'");
                return Optional.empty();
            }
            String region = sqs.group(1) != null ? sqs.group(1) : sqs.group(2);
            queueArn = "arn:" + partition(sqs.group(3)) + ":sqs:" + region + ":" + sqs.group(4) + ":" + sqs.group(5);
        }
        Optional<String> records = Optional.ofNullable(recordDir).or(() -> Setting.RECORD_DIR.value());
        Matcher s3 = S3_DIR.matcher(records.orElse(""));
        if (!s3.matches()) {
            return Optional.of(new ServicePolicy.Resources(queueArn, null, null));
        }
        String prefix = s3.group(2) == null ? "" : s3.group(2);
        String bucketArn = "arn:aws:s3:::" + s3.group(1);
        return Optional.of(new ServicePolicy.Resources(queueArn, bucketArn, bucketArn + "/" + prefix + "*"));
    }

    private static String partition(String chinaSuffix) {
        return chinaSuffix == null ? "aws" : "aws-cn";
    }
}
