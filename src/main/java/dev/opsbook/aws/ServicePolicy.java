package dev.opsbook.aws;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsbook.runbook.Runbook;
import java.util.Collection;
import java.util.List;

/**
 * The IAM policy of the identity {@code opsbook serve} runs as (an ECS task role): what the service
 * needs itself, reading events from its queue, writing records to S3 and reading alarms for coverage, then what the runbooks it
 * runs need of it ({@link IamPolicy#ofRunner}: their calls, and {@code sts:AssumeRole} on the roles
 * steps assume, whose calls the roles make).
 */
public final class ServicePolicy {

    /** Receive, delete when handled, hold longer when full, read the queue's attributes. */
    public static final List<String> QUEUE_ACTIONS = List.of(
            "sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage");
    /** Each run's record and trail objects: written on each change of the run, read back to continue one taken over. */
    public static final List<String> RECORD_OBJECT_ACTIONS = List.of("s3:PutObject"); // //why: records are only written; nothing reads the objects back
    /** The coverage page and {@code GET /api/coverage}: the region's alarms and their tags, read on demand. */
    public static final List<String> ALARM_ACTIONS = List.of("cloudwatch:DescribeAlarms", "cloudwatch:ListTagsForResource");
    /** Listing the records (what is there already). */
    public static final List<String> RECORD_BUCKET_ACTIONS = List.of("s3:ListBucket");

    /**
     * Where the service reads and writes: ARNs, or whatever stands for them (a CloudFormation
     * function, {@code "*"} when not known).
     *
     * @param queue the event queue's ARN
     * @param bucket the records bucket's ARN; null when records are not kept in S3
     * @param objects the ARN of the record objects in it ({@code arn:aws:s3:::BUCKET/PREFIX*}); null likewise
     */
    public record Resources(Object queue, Object bucket, Object objects) {
    }

    private ServicePolicy() {
    }

    /**
     * The policy; a resource that is not a {@code String} (a CloudFormation function as a Jackson
     * tree or POJO) is written as it is.
     */
    public static ObjectNode of(Collection<Runbook> runbooks, AwsServices services, Resources resources) {
        ObjectNode policy = IamPolicy.ofRunner(runbooks, services);
        ArrayNode runbookStatements = (ArrayNode) policy.remove("Statement");
        ArrayNode statements = policy.putArray("Statement");
        statement(statements, "ReceiveEvents", QUEUE_ACTIONS, resources.queue());
        if (resources.bucket() != null) {
            statement(statements, "WriteRecords", RECORD_OBJECT_ACTIONS, resources.objects());
            statement(statements, "ListRecords", RECORD_BUCKET_ACTIONS, resources.bucket());
        }
        statement(statements, "ReadAlarms", ALARM_ACTIONS, "*"); // //why: DescribeAlarms takes no resource but "*"
        statements.addAll(runbookStatements);
        return policy;
    }

    private static void statement(ArrayNode statements, String sid, List<String> actions, Object resource) {
        ObjectNode statement = statements.addObject();
        statement.put("Sid", sid);
        statement.put("Effect", "Allow");
        ArrayNode list = statement.putArray("Action");
        actions.forEach(list::add);
        if (resource instanceof String text) {
            statement.put("Resource", text);
        } else {
            statement.putPOJO("Resource", resource);
        }
    }
}
