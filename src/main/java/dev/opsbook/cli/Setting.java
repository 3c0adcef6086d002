package dev.opsbook.cli;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Every {@code opsbook.*} setting {@code serve} reads, in one place: read through {@link Stores#setting} (system
 * properties, then the environment, then {@code config/application.properties}) or by Quarkus from the same sources.
 * The README's settings table, the image's Dockerfile and the compose file are checked against this list, so a
 * variable they set is one serve reads.
 */
public enum Setting {
    RUNBOOKS("opsbook.runbooks"),
    ALLOW_EMPTY("opsbook.allow-empty"),
    QUEUE_URL("opsbook.queue-url"),
    STORE("opsbook.store"),
    STORE_USER("opsbook.store.user"),
    STORE_PASSWORD("opsbook.store.password"),
    RECORD_DIR("opsbook.record-dir"),
    HTTP_HOST("opsbook.http.host"),
    HTTP_PORT("opsbook.http.port"),
    AWS_REGION("opsbook.aws.region"),
    /** where people reach serve (https://opsbook.example.com): the base of the run-page links escalations send */
    PUBLIC_URL("opsbook.public-url"),
    /** how close together runs of one CloudWatch alarm must start to be one incident (default 1h) */
    INCIDENT_WINDOW("opsbook.incident-window"),
    /** the interpreter of python steps (default {@code python3}) */
    PYTHON("opsbook.python"),
    /** the PagerDuty Events API v2 endpoint (default PagerDuty's own) */
    PAGERDUTY_URL("opsbook.pagerduty-url"),
    /** the address SES sends {@code email} notifications from */
    EMAIL_FROM("opsbook.email-from"),
    /** read by Quarkus (application.properties: the form tokens' key); serve makes one when it is not set */
    CSRF_KEY("opsbook.csrf-key"),
    /** read by Quarkus (application.properties: the console's JSON format) */
    LOG_JSON("opsbook.log.json");

    private final String key;

    Setting(String key) {
        this.key = key;
    }

    /** The setting's name, {@code opsbook.http.host}. */
    public String key() {
        return key;
    }

    /** The environment variable that sets it, {@code OPSBOOK_HTTP_HOST}: SmallRye Config's mapping of the name. */
    public String environment() {
        return key.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    Optional<String> value() {
        return Stores.setting(key).map(String::strip).filter(s -> !s.isEmpty());
    }

    /** The environment variables of every setting serve reads. */
    public static Set<String> environmentVariables() {
        return Arrays.stream(values()).map(Setting::environment).collect(Collectors.toCollection(java.util.TreeSet::new));
    }
}
