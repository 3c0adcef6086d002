package dev.opsbook.service;

import dev.opsbook.aws.AwsClients;
import dev.opsbook.aws.AwsSettings;
import dev.opsbook.record.RecordFolder;
import dev.opsbook.record.RecordPlace;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.s3.S3Client;

/** What {@code --record-dir} (or {@code opsbook.record-dir}) names: a folder, or {@code s3://BUCKET/PREFIX}. */
public final class RecordPlaces {

    /** Why the place cannot take records, in one line that says what to do. */
    public static final class Unusable extends Exception {
        public Unusable(String message) {
            super(message);
        }
    }

    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

    private RecordPlaces() {
    }

    /** Whether {@code where} names a bucket rather than a folder. */
    public static boolean inS3(String where) {
        return where.startsWith("s3://");
    }

    /**
     * Opens the place {@code where} names; a bucket is checked at once ({@link S3Records#open}), with its own clients built
     * from {@code aws} (closed with the place).
     *
     * @throws Unusable one line: what is wrong with it and what to do
     */
    public static RecordPlace open(String where, AwsSettings aws) throws Unusable {
        if (!inS3(where)) {
            try {
                return new RecordFolder(Path.of(where));
            } catch (InvalidPathException e) {
                throw new Unusable("--record-dir '" + where + "' is not a folder name: " + e.getReason());
            }
        }
        String rest = where.substring("s3://".length());
        int slash = rest.indexOf('/');
        String bucket = slash < 0 ? rest : rest.substring(0, slash);
        String prefix = slash < 0 ? "" : rest.substring(slash + 1);
        if (!BUCKET.matcher(bucket).matches()) {
            throw new Unusable("--record-dir " + where + ": '" + bucket + "' is not an S3 bucket name (3 to 63 lower-case letters,"
                    + " digits, dots and hyphens); write s3://BUCKET/PREFIX");
        }
        prefix = prefix.replaceAll("/+$", "");
        AwsClients clients = new AwsClients(aws);
        Optional<String> region = clients.defaultRegion();
        if (region.isEmpty()) {
            clients.close();
            throw new Unusable("the records bucket " + bucket + " needs an AWS region: pass --region or set AWS_REGION");
        }
        Optional<String> credentials = clients.credentialsProblem();
        if (credentials.isPresent()) {
            clients.close();
            throw new Unusable("the records bucket " + bucket + " needs AWS credentials: " + credentials.get());
        }
        return S3Records.open(bucket, prefix.isEmpty() ? "" : prefix + "/", clients.client(S3Client.class, region.get()), clients);
    }
}
