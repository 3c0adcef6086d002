package dev.opsbook.aws;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsbook.runbook.Runbook;
import dev.opsbook.runbook.Step;
import java.util.Map;
import java.util.TreeSet;

/**
 * The least-privilege IAM policy a runbook needs: exactly the actions its steps can call, and
 * {@code sts:AssumeRole} on the roles it assumes. Secret references add their read actions.
 */
public final class IamPolicy {

    /** Where the IAM action is not the operation's name. */
    private static final Map<String, String> ACTION_NAMES = Map.ofEntries(
            Map.entry("lambda:Invoke", "lambda:InvokeFunction"),
            Map.entry("s3:ListObjectsV2", "s3:ListBucket"),
            Map.entry("s3:ListObjects", "s3:ListBucket"),
            Map.entry("s3:HeadObject", "s3:GetObject"),
            Map.entry("s3:HeadBucket", "s3:ListBucket"),
            Map.entry("s3:GetObjectAttributes", "s3:GetObject"),
            Map.entry("s3:SelectObjectContent", "s3:GetObject"),
            Map.entry("s3:ListBuckets", "s3:ListAllMyBuckets"),
            Map.entry("s3:ListObjectVersions", "s3:ListBucketVersions"),
            Map.entry("s3:ListMultipartUploads", "s3:ListBucketMultipartUploads"),
            Map.entry("s3:ListParts", "s3:ListMultipartUploadParts"),
            Map.entry("s3:DeleteObjects", "s3:DeleteObject"),
            Map.entry("s3:GetBucketLifecycleConfiguration", "s3:GetLifecycleConfiguration"),
            Map.entry("s3:PutBucketLifecycleConfiguration", "s3:PutLifecycleConfiguration"),
            Map.entry("s3:DeleteBucketLifecycle", "s3:PutLifecycleConfiguration"),
            Map.entry("s3:GetBucketEncryption", "s3:GetEncryptionConfiguration"),
            Map.entry("s3:PutBucketEncryption", "s3:PutEncryptionConfiguration"),
            Map.entry("s3:DeleteBucketEncryption", "s3:PutEncryptionConfiguration"),
            Map.entry("s3:GetBucketNotificationConfiguration", "s3:GetBucketNotification"),
            Map.entry("s3:PutBucketNotificationConfiguration", "s3:PutBucketNotification"),
            Map.entry("s3:GetBucketReplication", "s3:GetReplicationConfiguration"),
            Map.entry("s3:PutBucketReplication", "s3:PutReplicationConfiguration"),
            Map.entry("s3:DeleteBucketReplication", "s3:PutReplicationConfiguration"),
            Map.entry("s3:GetObjectLockConfiguration", "s3:GetBucketObjectLockConfiguration"),
            Map.entry("s3:PutObjectLockConfiguration", "s3:PutBucketObjectLockConfiguration"),
            Map.entry("s3:GetPublicAccessBlock", "s3:GetBucketPublicAccessBlock"),
            Map.entry("s3:PutPublicAccessBlock", "s3:PutBucketPublicAccessBlock"),
            Map.entry("s3:DeletePublicAccessBlock", "s3:PutBucketPublicAccessBlock"),
            Map.entry("s3:DeleteBucketCors", "s3:PutBucketCORS"),
            Map.entry("s3:DeleteBucketTagging", "s3:PutBucketTagging"),
            Map.entry("s3:DeleteBucketOwnershipControls", "s3:PutBucketOwnershipControls"));

    private IamPolicy() {
    }

    public static ObjectNode of(Runbook runbook, AwsServices services) {
        TreeSet<String> actions = new TreeSet<>();
        TreeSet<String> roles = new TreeSet<>();
        for (Step step : AwsSteps.of(runbook)) {
            String service = step.settings().path("service").asText();
            String written = step.settings().path("operation").asText();
            String operation = services.operation(service, written).map(AwsOperation::name).orElse(written);
            String prefix = services.find(service).map(AwsService::iamPrefix).orElse(service);
            String action = prefix + ":" + operation;
            actions.add(ACTION_NAMES.getOrDefault(action, action));
            String role = step.settings().path("role").asText("");
            if (!role.isBlank()) {
                roles.add(role.contains("{{") ? "*" : role);
            }
        }
        String text = runbook.text();
        if (text.contains("secret:ssm:")) {
            actions.add("ssm:GetParameter");
        }
        if (text.contains("secret:secretsmanager:")) {
            actions.add("secretsmanager:GetSecretValue");
        }
        ObjectNode policy = JsonNodeFactory.instance.objectNode();
        policy.put("Version", "2012-10-17");
        ArrayNode statements = policy.putArray("Statement");
        if (!actions.isEmpty()) {
            ObjectNode calls = statements.addObject();
            calls.put("Sid", "RunbookCalls");
            calls.put("Effect", "Allow");
            ArrayNode list = calls.putArray("Action");
            actions.forEach(list::add);
            calls.put("Resource", "*");
        }
        if (!roles.isEmpty()) {
            ObjectNode assume = statements.addObject();
            assume.put("Sid", "AssumeRunbookRoles");
            assume.put("Effect", "Allow");
            assume.put("Action", "sts:AssumeRole");
            ArrayNode resources = assume.putArray("Resource");
            roles.forEach(resources::add);
        }
        return policy;
    }
}
