package dev.opsbook.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsbook.testing.Served;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** The application serve boots: it listens, answers health, and sends the security headers on everything. */
@QuarkusTest
class QuarkusBootTest {

    @Test
    void liveness_answers_with_the_security_headers() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(Served.base() + "/q/health/live")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("X-Frame-Options")).contains("DENY");
    }
}
