package dev.opsbook.engine;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Reads the value behind a {@code {{ secret:STORE:ID }}} reference when a step starts. The value
 * is masked from then on everywhere the run is shown; the call that read it is audited.
 */
public interface SecretResolver {

    /** @param call what the audit trail keeps of the read (never the value) */
    record Fetched(String value, JsonNode call) {
    }

    Fetched fetch(String store, String id) throws Exception;

    SecretResolver NONE = (store, id) -> {
        throw new IllegalStateException("no secret store is configured for secret:" + store + ":" + id);
    };
}
