package dev.opsbook.aws;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;
import software.amazon.awssdk.profiles.Profile;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.regions.providers.InstanceProfileRegionProvider;

/**
 * Region and profile as the AWS CLI finds them, which the SDK for Java does not quite do (it
 * ignores {@code AWS_DEFAULT_REGION}): {@code --region}, {@code AWS_REGION},
 * {@code AWS_DEFAULT_REGION}, then the profile's {@code region} ({@code --profile}, else
 * {@code AWS_PROFILE}, else {@code default}) in {@code AWS_CONFIG_FILE} (else
 * {@code ~/.aws/config}) or {@code AWS_SHARED_CREDENTIALS_FILE} (else
 * {@code ~/.aws/credentials}), then the EC2 instance's own region. The Java system properties
 * the SDK reads ({@code aws.region}, {@code aws.profile}, {@code aws.configFile},
 * {@code aws.sharedCredentialsFile}) come before the variables, as they do in the SDK.
 */
public final class AwsEnvironment {

    private final Function<String, String> env;

    /** @param env the environment variables, by name (null when unset) */
    public AwsEnvironment(Function<String, String> env) {
        this.env = env;
    }

    public static AwsEnvironment system() {
        return new AwsEnvironment(System::getenv);
    }

    /**
     * @param name the profile's name
     * @param source where the name came from ({@code --profile}, {@code AWS_PROFILE}), empty for the default
     */
    public record ProfileChoice(String name, Optional<String> source) {
    }

    public ProfileChoice profile(AwsSettings settings) {
        if (settings.profile().isPresent()) {
            return new ProfileChoice(settings.profile().get(), Optional.of("--profile"));
        }
        return setting("aws.profile", "AWS_PROFILE").map(name -> new ProfileChoice(name, Optional.of("AWS_PROFILE")))
                .orElse(new ProfileChoice("default", Optional.empty()));
    }

    /** The first region of the chain, or empty when there is none. */
    public Optional<String> region(AwsSettings settings) {
        Optional<String> region = settings.region().filter(r -> !r.isBlank())
                .or(() -> setting("aws.region", "AWS_REGION"))
                .or(() -> variable("AWS_DEFAULT_REGION"))
                .or(() -> profileFile().profile(profile(settings).name()).flatMap(p -> p.property("region")).filter(r -> !r.isBlank()));
        if (region.isPresent() || metadataDisabled()) {
            return region;
        }
        try {
            return Optional.of(new InstanceProfileRegionProvider().getRegion().id());
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** A profile named by {@code --profile} or {@code AWS_PROFILE} that neither file has. */
    public Optional<String> missingProfile(AwsSettings settings) {
        ProfileChoice choice = profile(settings);
        if (choice.source().isEmpty()) {
            return Optional.empty();
        }
        Optional<Profile> found = profileFile().profile(choice.name());
        return found.isPresent() ? Optional.empty() : Optional.of("profile '" + choice.name() + "' is not in " + shown(configFile())
                + " or " + shown(credentialsFile()) + " (named by " + choice.source().get() + ")");
    }

    /** Where profiles are configured, for messages: {@code ~/.aws/config} unless moved. */
    public String configFileShown() {
        return shown(configFile());
    }

    private ProfileFile profileFile() {
        ProfileFile.Aggregator files = ProfileFile.aggregator();
        read(configFile(), ProfileFile.Type.CONFIGURATION, files);
        read(credentialsFile(), ProfileFile.Type.CREDENTIALS, files);
        return files.build();
    }

    private static void read(Path file, ProfileFile.Type type, ProfileFile.Aggregator files) {
        if (Files.isReadable(file) && !Files.isDirectory(file)) {
            try {
                files.addFile(ProfileFile.builder().content(file).type(type).build());
            } catch (RuntimeException e) {
                // an unreadable or broken file holds no profile; the SDK says more when a call uses it
            }
        }
    }

    private Path configFile() {
        return setting("aws.configFile", "AWS_CONFIG_FILE").map(AwsEnvironment::expand).orElse(home().resolve(".aws/config"));
    }

    private Path credentialsFile() {
        return setting("aws.sharedCredentialsFile", "AWS_SHARED_CREDENTIALS_FILE").map(AwsEnvironment::expand)
                .orElse(home().resolve(".aws/credentials"));
    }

    private boolean metadataDisabled() {
        return setting("aws.disableEc2Metadata", "AWS_EC2_METADATA_DISABLED").map(v -> v.equalsIgnoreCase("true")).orElse(false);
    }

    private Optional<String> setting(String property, String variable) {
        return Optional.ofNullable(System.getProperty(property)).filter(v -> !v.isBlank()).or(() -> variable(variable));
    }

    private Optional<String> variable(String name) {
        return Optional.ofNullable(env.apply(name)).filter(v -> !v.isBlank());
    }

    private static Path home() {
        return Path.of(System.getProperty("user.home"));
    }

    private static Path expand(String path) {
        return path.startsWith("~/") ? home().resolve(path.substring(2)) : Path.of(path);
    }

    private static String shown(Path file) {
        Path home = home();
        return file.startsWith(home) ? "~/" + home.relativize(file) : file.toString();
    }
}
