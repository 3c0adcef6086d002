package dev.opsbook.runbook;

/**
 * {@code approval:} who may approve the runbook's {@code approve} steps.
 *
 * @param separateApprover the person who launched a run may not approve its steps (four eyes)
 */
public record ApprovalPolicy(boolean separateApprover) {

    public static final ApprovalPolicy ANYONE = new ApprovalPolicy(false);
}
