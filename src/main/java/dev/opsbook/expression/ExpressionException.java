package dev.opsbook.expression;

/** An expression or template that does not parse, or fails while evaluated. */
public final class ExpressionException extends RuntimeException {
    private final int offset;

    public ExpressionException(String message, int offset) {
        super(message);
        this.offset = offset;
    }

    /** Offset in the template or expression text where the problem starts (0 when unknown). */
    public int offset() {
        return offset;
    }
}
