package dev.opsbook.runbook;

/** A runbook changes things; a playbook investigates (read-only unless a step says otherwise). */
public enum RunbookKind {
    RUNBOOK, PLAYBOOK;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
