package dev.opsbook.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Region and profile found the way the AWS CLI finds them, whatever the environment of the build. */
class AwsEnvironmentTest {

    @TempDir
    Path home;

    private AwsEnvironment environment(String... pairs) throws Exception {
        Path config = home.resolve("config");
        Files.writeString(config, "[default]\nregion = us-west-2\n[profile oncall]\nregion = ap-southeast-2\n");
        Map<String, String> env = new HashMap<>(Map.of("AWS_CONFIG_FILE", config.toString(),
                "AWS_SHARED_CREDENTIALS_FILE", home.resolve("credentials").toString(), "AWS_EC2_METADATA_DISABLED", "true"));
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return new AwsEnvironment(env::get);
    }

    private static AwsSettings settings(String region, String profile) {
        return new AwsSettings(Optional.ofNullable(region), Optional.ofNullable(profile), Optional.empty());
    }

    @Test
    void the_region_comes_from_the_flag_then_aws_region_then_aws_default_region_then_the_profile() throws Exception {
        assertThat(environment("AWS_REGION", "eu-west-1", "AWS_DEFAULT_REGION", "eu-south-2").region(settings("ca-central-1", null)))
                .contains("ca-central-1");
        assertThat(environment("AWS_REGION", "eu-west-1", "AWS_DEFAULT_REGION", "eu-south-2").region(settings(null, null))).contains("eu-west-1");
        assertThat(environment("AWS_DEFAULT_REGION", "eu-south-2").region(settings(null, null))).contains("eu-south-2");
        assertThat(environment().region(settings(null, null))).contains("us-west-2");
        assertThat(environment("AWS_PROFILE", "oncall").region(settings(null, null))).contains("ap-southeast-2");
        assertThat(environment("AWS_PROFILE", "default").region(settings(null, "oncall"))).contains("ap-southeast-2");
    }

    @Test
    void without_any_region_there_is_none() throws Exception {
        Files.writeString(home.resolve("empty"), "");
        AwsEnvironment bare = new AwsEnvironment(Map.of("AWS_CONFIG_FILE", home.resolve("empty").toString(),
                "AWS_SHARED_CREDENTIALS_FILE", home.resolve("none").toString(), "AWS_EC2_METADATA_DISABLED", "true")::get);

        assertThat(bare.region(settings(null, null))).isEmpty();
    }

    @Test
    void a_profile_named_by_flag_or_variable_that_no_file_has_is_named() throws Exception {
        Path config = home.resolve("config");

        assertThat(environment().missingProfile(settings(null, "nosuch")))
                .contains("profile 'nosuch' is not in " + config + " or " + home.resolve("credentials") + " (named by --profile)");
        assertThat(environment("AWS_PROFILE", "nosuch").missingProfile(settings(null, null)))
                .contains("profile 'nosuch' is not in " + config + " or " + home.resolve("credentials") + " (named by AWS_PROFILE)");
        assertThat(environment().missingProfile(settings(null, "oncall"))).isEmpty();
        assertThat(environment().missingProfile(settings(null, null))).isEmpty();
    }
}
