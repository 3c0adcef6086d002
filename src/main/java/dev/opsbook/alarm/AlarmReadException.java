package dev.opsbook.alarm;

/** Alarms could not be read; the message is one line that says where and what to do. */
public final class AlarmReadException extends Exception {

    public AlarmReadException(String message) {
        super(message);
    }

    public AlarmReadException(String message, Throwable cause) {
        super(message, cause);
    }
}
