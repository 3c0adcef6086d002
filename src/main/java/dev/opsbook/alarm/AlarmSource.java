package dev.opsbook.alarm;

/** Where alarms come from: CloudWatch, or a file of {@code describe-alarms} output. */
public interface AlarmSource {

    /** @throws AlarmReadException with one line saying what went wrong and what to do */
    Alarms read() throws AlarmReadException;
}
