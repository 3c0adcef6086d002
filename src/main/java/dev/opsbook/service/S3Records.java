package dev.opsbook.service;

import dev.opsbook.aws.AwsClients;
import dev.opsbook.record.RecordPlace;
import java.io.IOException;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Records as objects in an S3 bucket, {@code --record-dir s3://BUCKET/PREFIX}: {@code PREFIX/RUNBOOK-ID/RUN-ID.md} and
 * {@code PREFIX/RUNBOOK-ID/RUN-ID.audit.jsonl}, each put whole (a reader of an object sees one version or the next), so
 * instances share no file system. Region, credentials, endpoint and retries are those of {@link AwsClients}; the calls are
 * {@code HeadBucket} ({@code s3:ListBucket}) and {@code PutObject} ({@code s3:PutObject}), nothing else. Thread-safe.
 */
public final class S3Records implements RecordPlace {

    /** What is put at {@code PREFIX/.opsbook-write-check} when the place is opened, to know at start that records can be written. */
    static final String CHECK = ".opsbook-write-check";

    private final String bucket;
    private final String prefix;
    private final S3Client s3;
    private final AutoCloseable owner;

    private S3Records(String bucket, String prefix, S3Client s3, AutoCloseable owner) {
        this.bucket = bucket;
        this.prefix = prefix;
        this.s3 = s3;
        this.owner = owner;
    }

    /**
     * The bucket {@code bucket}, keys under {@code prefix} (empty, or ending in a slash), checked: the bucket answers
     * {@code HeadBucket} and takes a small object, so a bucket that is missing, out of reach or closed to these credentials
     * stops a command before any run starts.
     *
     * @param owner closed with this place (the clients {@code s3} came from)
     * @throws RecordPlaces.Unusable one line: which bucket, what is wrong and what to do
     */
    static S3Records open(String bucket, String prefix, S3Client s3, AutoCloseable owner) throws RecordPlaces.Unusable {
        S3Records place = new S3Records(bucket, prefix, s3, owner);
        try {
            s3.headBucket(b -> b.bucket(bucket));
            s3.putObject(b -> b.bucket(bucket).key(prefix + CHECK).contentType("text/plain"),
                    RequestBody.fromString("opsbook writes the records of its runs under this prefix\n"));
        } catch (S3Exception e) {
            place.close();
            throw new RecordPlaces.Unusable(place.refusal(e));
        } catch (SdkException e) {
            place.close();
            throw new RecordPlaces.Unusable("cannot reach the records bucket " + bucket + ": " + firstLine(e)
                    + "; check the network, --region and --endpoint-url (or AWS_ENDPOINT_URL)");
        }
        return place;
    }

    private String refusal(S3Exception e) {
        String where = "the records bucket " + bucket;
        return switch (e.statusCode()) {
            case 404 -> where + " does not exist; create it (the deployment's template does) or name another in --record-dir s3://BUCKET/PREFIX";
            case 403 -> where + " refuses these AWS credentials (" + code(e) + "); allow s3:ListBucket on arn:aws:s3:::" + bucket
                    + " and s3:PutObject on arn:aws:s3:::" + bucket + "/" + prefix + "*";
            case 301 -> where + " is in another region" + e.awsErrorDetails().sdkHttpResponse().firstMatchingHeader("x-amz-bucket-region")
                    .map(r -> " (" + r + ")").orElse("") + "; set --region or AWS_REGION to the bucket's region";
            default -> where + " answered HTTP " + e.statusCode() + " (" + code(e) + ": " + firstLine(e) + "); check the bucket, the region"
                    + " and the credentials";
        };
    }

    private static String code(S3Exception e) {
        return Optional.ofNullable(e.awsErrorDetails()).map(d -> d.errorCode()).filter(c -> c != null && !c.isBlank())
                .orElse(e.statusCode() == 403 ? "AccessDenied" : "HTTP " + e.statusCode());
    }

    private static String firstLine(Exception e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.lines().findFirst().orElse(message);
    }

    @Override
    public String write(String name, String text) throws IOException {
        String key = prefix + name;
        try {
            s3.putObject(b -> b.bucket(bucket).key(key).contentType(contentType(name)), RequestBody.fromString(text));
        } catch (SdkException e) {
            // //why: the SDK has retried what a retry can mend (throttling, 5xx, a dropped connection); the caller tells it once
            throw new IOException("PutObject " + bucket + "/" + key + " failed: " + firstLine(e), e);
        }
        return "s3://" + bucket + "/" + key;
    }

    /** //why: no {@code ; charset=} parameter: S3-compatible servers such as s3proxy then refuse the request's signature; the text is UTF-8. */
    private static String contentType(String name) {
        return name.endsWith(".md") ? "text/markdown" : name.endsWith(".jsonl") ? "application/jsonl" : "text/plain";
    }

    @Override
    public String describe() {
        return "s3://" + bucket + "/" + prefix;
    }

    @Override
    public void close() {
        try {
            owner.close();
        } catch (Exception e) {
            // //why: closing the clients of a place that is done with only frees connections
        }
    }
}
