/**
 * Durable runs: every run's events, its summary row, and every event received from outside
 * (the idempotency key of "exactly one run per event"). JDBC with Flyway migrations: embedded
 * H2 by default, PostgreSQL in production.
 */
package dev.opsbook.store;
