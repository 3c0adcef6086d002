package dev.opsbook.aws;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * AWS as the steps see it: the calls they make and what they ask about an operation. {@link AwsInvoker}
 * calls the real API; a rehearsal answers from the simulated calls a test case or a drill lists.
 */
public interface AwsApi {

    /**
     * @param idempotencySeed when present, each idempotency-token member the input leaves out gets a token
     *        derived from it, the same every time
     */
    AwsInvoker.Outcome invoke(AwsCall call, String sessionName, Optional<String> idempotencySeed) throws InterruptedException;

    default AwsInvoker.Outcome invoke(AwsCall call, String sessionName) throws InterruptedException {
        return invoke(call, sessionName, Optional.empty());
    }

    /** The operation under the API reference's name, or an {@link IllegalArgumentException} with a did-you-mean. */
    AwsOperation operation(String service, String operation);

    /** Whether the call only reads; an operation that does not exist counts as changing things. */
    boolean isReadOnly(AwsCall call);

    /** The IAM action of a call, e.g. {@code logs:FilterLogEvents}. */
    String action(AwsCall call);

    /** The request exactly as the SDK will send it, as JSON. */
    JsonNode normalized(AwsCall call);

    /** The region a call goes to: its own, else the configured one; an {@link IllegalStateException} when there is none. */
    String region(Optional<String> region);
}
