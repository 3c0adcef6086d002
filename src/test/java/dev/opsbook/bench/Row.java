package dev.opsbook.bench;

/**
 * One line of the benchmark table: what was measured, opsbook's figure, the baseline's (the bare
 * SDK, the bare parser, the physical floor or a peer), their ratio, the target and whether it was met.
 *
 * @param note where the time goes when a target is missed (from a JFR profile), or how it was measured
 */
public record Row(String name, String measure, String opsbook, String baseline, String ratio, String target, boolean met, String note) {
}
