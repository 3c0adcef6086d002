package dev.opsbook.aws;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsbook.engine.SecretResolver;
import java.util.Optional;

/**
 * Reads {@code secret:ssm:/name} (a SecureString, decrypted) and
 * {@code secret:secretsmanager:id} (its SecretString) with the run's AWS credentials. The
 * response never leaves this class: the audit keeps only that the read happened.
 */
public final class AwsSecrets implements SecretResolver {

    private final AwsApi invoker;
    private final String sessionName;

    public AwsSecrets(AwsApi invoker, String sessionName) {
        this.invoker = invoker;
        this.sessionName = sessionName;
    }

    @Override
    public Fetched fetch(String store, String id) throws Exception {
        ObjectNode input = JsonNodeFactory.instance.objectNode();
        AwsCall call;
        String pointer;
        if (store.equals("ssm")) {
            input.put("Name", id).put("WithDecryption", true);
            call = new AwsCall("ssm", "GetParameter", input, Optional.empty(), Optional.empty(), false);
            pointer = "/Parameter/Value";
        } else {
            input.put("SecretId", id);
            call = new AwsCall("secretsmanager", "GetSecretValue", input, Optional.empty(), Optional.empty(), false);
            pointer = "/SecretString";
        }
        AwsInvoker.Outcome outcome = invoker.invoke(call, sessionName);
        ObjectNode log = outcome.log().deepCopy();
        log.remove("response");
        log.put("purpose", "secret reference secret:" + store + ":" + id);
        if (!outcome.ok()) {
            throw new IllegalStateException(outcome.message());
        }
        String value = outcome.result().at(pointer).asText(null);
        if (value == null) {
            throw new IllegalStateException(invoker.action(call) + " returned no value at " + pointer);
        }
        return new Fetched(value, log);
    }
}
