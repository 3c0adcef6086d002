/**
 * The runbook as written: model, Markdown and YAML parser, per-file checks with file:line:column
 * diagnostics. Knows nothing of execution.
 */
package dev.opsbook.runbook;
