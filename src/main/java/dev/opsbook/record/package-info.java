/**
 * Run records: the runbook as it was executed, in Markdown; a JSON summary for machines.
 */
package dev.opsbook.record;
