package dev.opsbook.aws;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkClient;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;

/**
 * Builds SDK clients for any service, generically: each client interface has a static
 * {@code builder()} and the builders share the SDK's base interfaces. Clients are cached per
 * service, region and role, and closed with {@link #close()}.
 */
public final class AwsClients implements AutoCloseable {

    private final AwsSettings settings;
    private final AwsEnvironment environment;
    private final Map<String, SdkClient> clients = new ConcurrentHashMap<>();

    public AwsClients(AwsSettings settings) {
        this(settings, AwsEnvironment.system());
    }

    public AwsClients(AwsSettings settings, AwsEnvironment environment) {
        this.settings = settings;
        this.environment = environment;
    }

    public AwsEnvironment environment() {
        return environment;
    }

    public AwsSettings settings() {
        return settings;
    }

    /** The region a call goes to: the step's, else the run's ({@link AwsEnvironment#region}). */
    public String region(Optional<String> stepRegion) {
        if (stepRegion.isPresent() && !stepRegion.get().isBlank()) {
            return stepRegion.get();
        }
        return environment.region(settings).orElseThrow(() -> new IllegalStateException(noRegion()));
    }

    /** Whether the run has a region of its own, for calls that do not name one. */
    public Optional<String> defaultRegion() {
        return environment.region(settings);
    }

    String noRegion() {
        String profile = environment.profile(settings).name();
        return "no AWS region: set region: in the step, pass --region, set AWS_REGION or AWS_DEFAULT_REGION, or set region"
                + " in profile '" + profile + "' of " + environment.configFileShown();
    }

    /** Empty when the run's credentials resolve (keys, profile, role, instance profile), else why not, in one line. */
    public Optional<String> credentialsProblem() {
        try {
            baseCredentials().resolveCredentials();
            return Optional.empty();
        } catch (RuntimeException e) {
            String cause = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
            String first = cause.length() > 300 ? cause.substring(0, 300) + "…" : cause;
            return Optional.of(settings.profile().map(p -> "profile '" + p + "' gives no AWS credentials: " + first)
                    .orElse("no AWS credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, pass --profile NAME,"
                            + " or run where a role provides them (" + first + ")"));
        }
    }

    public SdkClient client(AwsService service, String region, Optional<String> role, String sessionName) {
        // //why: a role's session is named after its step, so CloudTrail tells which step made each call
        String key = service.name() + "|" + region + "|" + role.map(r -> r + "|" + sessionName).orElse("");
        SdkClient existing = clients.get(key);
        if (existing != null) {
            return existing;
        }
        // //why: credentials() may add the STS client to the map; doing that inside computeIfAbsent is a "Recursive update"
        AwsCredentialsProvider credentials = credentials(region, role, sessionName);
        return clients.computeIfAbsent(key, k -> build(service.clientInterface(), region, credentials));
    }

    /**
     * A client of {@code clientInterface} for opsbook's own calls (records to S3), cached: the run's credentials, endpoint
     * (path-style for S3 on a custom endpoint) and retries, as the steps get them.
     */
    public <T extends SdkClient> T client(Class<T> clientInterface, String region) {
        return clientInterface.cast(clients.computeIfAbsent(clientInterface.getName() + "|" + region + "|",
                k -> build(clientInterface, region, baseCredentials())));
    }

    private AwsCredentialsProvider baseCredentials() {
        return settings.profile().<AwsCredentialsProvider>map(ProfileCredentialsProvider::create)
                .orElseGet(DefaultCredentialsProvider::create);
    }

    private AwsCredentialsProvider credentials(String region, Optional<String> role, String sessionName) {
        if (role.isEmpty()) {
            return baseCredentials();
        }
        StsClient sts = (StsClient) clients.computeIfAbsent("sts|" + region + "|", k -> build(StsClient.class, region, baseCredentials()));
        String session = sessionName.replaceAll("[^\\w+=,.@-]", "-");
        return StsAssumeRoleCredentialsProvider.builder()
                .stsClient(sts)
                .refreshRequest(r -> r.roleArn(role.get()).roleSessionName(session.length() > 64 ? session.substring(0, 64) : session))
                .build();
    }

    private SdkClient build(Class<?> clientInterface, String region, AwsCredentialsProvider credentials) {
        try {
            Method builderMethod = clientInterface.getMethod("builder");
            AwsClientBuilder<?, ?> builder = (AwsClientBuilder<?, ?>) builderMethod.invoke(null);
            builder.region(Region.of(region));
            builder.credentialsProvider(credentials);
            ClientOverrideConfiguration.Builder override = ClientOverrideConfiguration.builder()
                    // //why: throttling is common in remediation bursts; the SDK backs off between these attempts
                    .retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(5).build());
            settings.profile().ifPresent(override::defaultProfileName); // the profile's endpoint_url and services section
            builder.overrideConfiguration(override.build());
            if (settings.endpoint().isPresent()) {
                builder.endpointOverride(settings.endpoint().get());
                if (builder instanceof software.amazon.awssdk.services.s3.S3BaseClientBuilder<?, ?> s3) {
                    s3.forcePathStyle(true); // S3 on a custom endpoint needs path-style addressing
                    // //why: S3-compatible servers (s3proxy, older MinIO) refuse the SDK's default streamed trailing checksum
                    s3.requestChecksumCalculation(software.amazon.awssdk.core.checksums.RequestChecksumCalculation.WHEN_REQUIRED);
                }
            }
            return (SdkClient) builder.build();
        } catch (ReflectiveOperationException e) {
            Throwable cause = e instanceof java.lang.reflect.InvocationTargetException && e.getCause() != null ? e.getCause() : e;
            throw new IllegalStateException("cannot build a client for " + clientInterface.getSimpleName() + ": " + cause, cause);
        }
    }

    @Override
    public void close() {
        clients.values().forEach(SdkClient::close);
        clients.clear();
    }
}
