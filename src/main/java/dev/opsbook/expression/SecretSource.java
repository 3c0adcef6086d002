package dev.opsbook.expression;

/**
 * Where {@code {{ secret:STORE:ID }}} references get their values. Only a starting run reads
 * secrets; everything else (validation, dry runs) leaves the reference as written.
 */
@FunctionalInterface
public interface SecretSource {

    String resolve(String store, String id);

    /** Shows the reference itself, for dry runs and checks. */
    SecretSource AS_WRITTEN = (store, id) -> "{{ secret:" + store + ":" + id + " }}";
}
