package dev.opsbook.runbook;

/**
 * Where a step sits in the runbook's text: character offsets (end exclusive, ending after the
 * block's last line break when there is one) and the indentation of its first line, so a record
 * can write a step's outcome right under it, at the same nesting.
 */
public record SourceSpan(int startOffset, int endOffset, Position start, int indent) {
}
