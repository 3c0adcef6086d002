/**
 * The audit trail: an append-only, hash-chained log of who ran what, every outside call,
 * every answer of a person, and how the run ended, each trail's end sealed in the store; and its verifier.
 */
package dev.opsbook.audit;
