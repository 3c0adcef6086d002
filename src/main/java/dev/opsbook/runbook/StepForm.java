package dev.opsbook.runbook;

/** How a step was written in the document. */
public enum StepForm {
    /** A fenced code block whose info string starts with a step kind. */
    FENCED_BLOCK,
    /** A Markdown task-list item, {@code - [ ] ...}: a manual step. */
    TASK_ITEM
}
