package dev.opsbook.deploy;

import dev.opsbook.aws.ServicePolicy;

/** The names in {@code deploy/cloudformation.yaml} that generated resources refer to. */
public final class Template {

    /** The SQS queue EventBridge sends to and serve reads. */
    public static final String QUEUE = "EventQueue";
    /** The S3 bucket the records go to. */
    public static final String RECORD_BUCKET = "RecordBucket";
    /** The parameter naming the event bus the rules are on. */
    public static final String EVENT_BUS_PARAMETER = "EventBusName";
    public static final String QUEUE_POLICY = "EventQueuePolicy";
    /** Rules are OpsbookRule1, OpsbookRule2... in the order {@code opsbook deploy rules} lists them. */
    public static final String RULE_PREFIX = "OpsbookRule";

    private Template() {
    }

    /** The service's queue and records as the template's functions. */
    public static ServicePolicy.Resources serviceResources() {
        return new ServicePolicy.Resources(Intrinsic.getAtt(QUEUE, "Arn"), Intrinsic.getAtt(RECORD_BUCKET, "Arn"),
                Intrinsic.sub("${" + RECORD_BUCKET + ".Arn}/*"));
    }
}
