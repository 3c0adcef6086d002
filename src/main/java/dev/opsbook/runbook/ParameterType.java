package dev.opsbook.runbook;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

public enum ParameterType {
    STRING, INTEGER, NUMBER, BOOLEAN, LIST, SECRET;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<ParameterType> fromLabel(String label) {
        return Arrays.stream(values()).filter(t -> t.label().equals(label)).findFirst();
    }
}
