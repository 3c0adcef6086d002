/**
 * The REST API under {@code /api} (JSON; problems as RFC 9457 documents): thin Quarkus REST
 * resources over the service's {@code RunOperations} and {@code RunQueries}, described at {@code /q/openapi}.
 */
package dev.opsbook.api;
