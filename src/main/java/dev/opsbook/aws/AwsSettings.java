package dev.opsbook.aws;

import java.net.URI;
import java.util.Optional;

/**
 * Where and as whom AWS calls go, beyond what a step says: a default region, a named profile,
 * and an endpoint override (LocalStack, WireMock, a game-day environment). Per-service endpoints
 * come from the SDK's own configuration: {@code AWS_ENDPOINT_URL_<SERVICE>} or a profile's
 * {@code endpoint_url}.
 */
public record AwsSettings(Optional<String> region, Optional<String> profile, Optional<URI> endpoint) {

    public static final AwsSettings DEFAULTS = new AwsSettings(Optional.empty(), Optional.empty(), Optional.empty());
}
