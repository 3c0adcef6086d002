package dev.opsbook.runbook;

/** How the body of a step's fenced block is read. */
public enum BodyFormat {
    /** A YAML mapping of the kind's settings. */
    YAML,
    /** The raw text is the program (a shell script). */
    SCRIPT,
    /** A YAML mapping, or plain text that stands for the kind's main setting (a prompt, say). */
    YAML_OR_TEXT
}
