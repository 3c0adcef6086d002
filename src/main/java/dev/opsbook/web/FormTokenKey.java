package dev.opsbook.web;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * The key that signs form tokens when nothing set one: random, made once per process. {@code serve}
 * sets the store's key before Quarkus boots (cli.ServeLaunch), and any configured
 * {@code opsbook.csrf-key} (OPSBOOK_CSRF_KEY, application.properties, -D) wins; this is for an
 * application booted otherwise (the tests).
 *
 * //why: rest-csrf without a key takes any well-formed cookie and field pair an attacker planted;
 * a key of this process at least refuses those, at the cost of forms shown by another instance
 */
public final class FormTokenKey implements ConfigSource {

    static final String NAME = "opsbook.csrf-key";
    private static final String KEY;

    static {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        KEY = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    @Override
    public Map<String, String> getProperties() {
        return Map.of(NAME, KEY);
    }

    @Override
    public Set<String> getPropertyNames() {
        return Set.of(NAME);
    }

    @Override
    public String getValue(String propertyName) {
        return NAME.equals(propertyName) ? KEY : null;
    }

    @Override
    public String getName() {
        return "opsbook-random-csrf-key";
    }

    /** Below every configured source (environment 300, application.properties 250). */
    @Override
    public int getOrdinal() {
        return 1;
    }
}
