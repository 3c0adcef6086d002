/**
 * {@code opsbook serve} on Quarkus: the holder of the running {@link dev.opsbook.service.Service},
 * authentication of Bearer tokens and browser sessions as a Quarkus mechanism, the messaging
 * channel {@code events}, health checks. Commands other than serve never boot Quarkus.
 */
package dev.opsbook.serve;
