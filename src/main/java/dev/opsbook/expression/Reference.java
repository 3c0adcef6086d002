package dev.opsbook.expression;

/**
 * A name an expression reads from the run's context: {@code params.region} is
 * {@code Reference("params", "region", offset)}; {@code offset} is where the reference starts
 * in the expression.
 */
public record Reference(String root, String name, int offset) {
}
