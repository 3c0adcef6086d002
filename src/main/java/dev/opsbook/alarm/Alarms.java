package dev.opsbook.alarm;

import java.util.List;

/**
 * The alarms read at once from one place.
 *
 * @param from where they were read, for people: "alarms.json", "CloudWatch in eu-west-1"
 * @param warnings what was left out, one line each (tags that could not be read)
 */
public record Alarms(String from, List<Alarm> alarms, List<String> warnings) {

    public Alarms {
        alarms = List.copyOf(alarms);
        warnings = List.copyOf(warnings);
    }
}
