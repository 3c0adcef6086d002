/**
 * Who may do what through the service: API tokens (stored hashed), their roles, browser sessions
 * made from a token, and the hash-chained access audit of every decision.
 */
package dev.opsbook.access;
