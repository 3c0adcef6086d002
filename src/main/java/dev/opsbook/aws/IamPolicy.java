package dev.opsbook.aws;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsbook.runbook.Runbook;
import dev.opsbook.runbook.Step;
import dev.opsbook.runbook.StepKindSpec;
import dev.opsbook.runbook.Escalation;
import dev.opsbook.runbook.EscalationTier;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The least-privilege IAM policy one or more runbooks need: every AWS action they can take. The
 * actions of {@code aws}, {@code wait} and {@code assert} steps on any resource;
 * {@code sns:Publish} on the topics of {@code notify} steps and of every escalation tier; {@code ses:SendEmail} when
 * they email;
 * {@code ssm:GetParameter} and {@code secretsmanager:GetSecretValue} on what secret references
 * read; {@code sts:AssumeRole} on the roles steps assume. Each grant appears once, however many
 * runbooks ask for it.
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

    /** {@code {{ secret:STORE:ID }}}, as {@code Template} reads it: the id is everything up to the braces. */
    private static final Pattern SECRET_REFERENCE = Pattern.compile("\\{\\{\\s*secret:(ssm|secretsmanager):(.+?)\\s*}}");

    private static final String ANY = "*";

    /**
     * //why: SES checks SendEmail against the sender's identity (and, in the sandbox, the recipients'), whose region and
     * account the runbook does not say and whose address is a setting of the host ({@code opsbook.email-from})
     */
    static final String SES_IDENTITIES = "arn:aws:ses:*:*:identity/*";

    /** What the runbooks need, before it is written as statements. */
    private record Grants(TreeSet<String> calls, TreeSet<String> topics, TreeSet<String> parameters, TreeSet<String> secrets,
                          TreeSet<String> roles, TreeSet<String> emails) {
        Grants() {
            this(new TreeSet<>(), new TreeSet<>(), new TreeSet<>(), new TreeSet<>(), new TreeSet<>(), new TreeSet<>());
        }
    }

    private IamPolicy() {
    }

    public static ObjectNode of(Runbook runbook, AwsServices services) {
        return of(List.of(runbook), services);
    }

    /** One policy for all of them: the union of what each needs. */
    public static ObjectNode of(Collection<Runbook> runbooks, AwsServices services) {
        return of(runbooks, services, true);
    }

    /**
     * What the identity running the runbooks needs itself: as {@link #of(Collection, AwsServices)}, but without the calls of steps
     * that assume a role (the role makes those; this identity only needs {@code sts:AssumeRole} on it).
     */
    public static ObjectNode ofRunner(Collection<Runbook> runbooks, AwsServices services) {
        return of(runbooks, services, false);
    }

    private static ObjectNode of(Collection<Runbook> runbooks, AwsServices services, boolean callsUnderRoles) {
        Grants grants = new Grants();
        for (Runbook runbook : runbooks) {
            collect(runbook, services, grants, callsUnderRoles);
        }
        ObjectNode policy = JsonNodeFactory.instance.objectNode();
        policy.put("Version", "2012-10-17");
        ArrayNode statements = policy.putArray("Statement");
        if (!grants.calls().isEmpty()) {
            ObjectNode calls = statement(statements, "RunbookCalls");
            ArrayNode list = calls.putArray("Action");
            grants.calls().forEach(list::add);
            calls.put("Resource", ANY);
        }
        // //why: a call the steps make on any resource already allows what a narrower statement would
        narrow(statements, "PublishNotifications", "sns:Publish", grants.topics(), grants.calls());
        narrow(statements, "SendEmailNotifications", "ses:SendEmail", grants.emails(), grants.calls());
        narrow(statements, "ReadSsmParameters", "ssm:GetParameter", grants.parameters(), grants.calls());
        narrow(statements, "ReadSecrets", "secretsmanager:GetSecretValue", grants.secrets(), grants.calls());
        narrow(statements, "AssumeRunbookRoles", "sts:AssumeRole", grants.roles(), grants.calls());
        return policy;
    }

    private static void collect(Runbook runbook, AwsServices services, Grants grants, boolean callsUnderRoles) {
        for (Step step : AwsSteps.of(runbook)) {
            Optional<String> role = text(step.settings().path("role").asText(""));
            role.ifPresent(grants.roles()::add);
            if (role.isPresent() && !callsUnderRoles) {
                continue;
            }
            String service = step.settings().path("service").asText();
            String written = step.settings().path("operation").asText();
            String operation = services.operation(service, written).map(AwsOperation::name).orElse(written);
            String prefix = services.find(service).map(AwsService::iamPrefix).orElse(service);
            String action = prefix + ":" + operation;
            grants.calls().add(ACTION_NAMES.getOrDefault(action, action));
        }
        for (Step step : runbook.steps()) {
            if (step.has(StepKindSpec.Trait.NOTIFIES) && step.settings() != null) {
                text(step.settings().path("sns").asText("")).ifPresent(topic -> grants.topics().add(topic));
                if (step.settings().has("email")) {
                    grants.emails().add(SES_IDENTITIES);
                }
            }
            secretReferences(step.body(), grants);
        }
        for (EscalationTier tier : runbook.escalation().map(Escalation::tiers).orElse(List.of())) {
            tier.sns().flatMap(IamPolicy::text).ifPresent(topic -> grants.topics().add(topic));
            tier.webhook().ifPresent(webhook -> secretReferences(webhook, grants));
            tier.pagerduty().ifPresent(key -> secretReferences(key, grants));
            if (!tier.email().isEmpty()) {
                grants.emails().add(SES_IDENTITIES);
            }
        }
    }

    /** A resource as written, {@code "*"} when a template decides it at run time, or nothing. */
    private static Optional<String> text(String value) {
        return value.isBlank() ? Optional.empty() : Optional.of(value.contains("{{") ? ANY : value.strip());
    }

    private static void secretReferences(String text, Grants grants) {
        if (text == null) {
            return;
        }
        Matcher reference = SECRET_REFERENCE.matcher(text);
        while (reference.find()) {
            String id = reference.group(2).strip();
            if (reference.group(1).equals("ssm")) {
                // //why: a parameter's ARN has its name without the leading slash; the region is the run's, not known here
                grants.parameters().add(id.startsWith("arn:") ? id : "arn:aws:ssm:*:*:parameter/" + id.replaceFirst("^/", ""));
            } else {
                // //why: Secrets Manager ends a secret's ARN with '-' and six random characters after its name
                grants.secrets().add(id.startsWith("arn:") ? id : "arn:aws:secretsmanager:*:*:secret:" + id + "-??????");
            }
        }
    }

    private static ObjectNode statement(ArrayNode statements, String sid) {
        ObjectNode statement = statements.addObject();
        statement.put("Sid", sid);
        statement.put("Effect", "Allow");
        return statement;
    }

    /** One action on the resources listed, or on any when one of them is "*"; nothing when the steps' calls hold it already. */
    private static void narrow(ArrayNode statements, String sid, String action, TreeSet<String> resources, TreeSet<String> calls) {
        if (resources.isEmpty() || calls.contains(action)) {
            return;
        }
        ObjectNode statement = statement(statements, sid);
        statement.put("Action", action);
        if (resources.contains(ANY)) {
            statement.put("Resource", ANY);
        } else {
            ArrayNode list = statement.putArray("Resource");
            resources.forEach(list::add);
        }
    }
}
