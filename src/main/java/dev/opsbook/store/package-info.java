/**
 * Durable runs: one port per concern (run log, leases, event inbox, cancel requests, escalations,
 * tokens, audit seals) behind {@link dev.opsbook.store.RunStore}, each a JDBC class over the shared
 * {@code Jdbc} helper with Flyway migrations: embedded H2 by default, PostgreSQL in production.
 */
package dev.opsbook.store;
