/**
 * The REST API under {@code /api} (JSON; problems as RFC 9457 documents), described by
 * {@code openapi.yaml} at {@code /q/openapi}: thin routes over the service's {@code RunOperations}.
 */
package dev.opsbook.api;
