package dev.opsbook.docs;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.opsbook.access.ApiTokens;
import dev.opsbook.access.Role;
import dev.opsbook.access.Sessions;
import dev.opsbook.aws.AwsFakes;
import dev.opsbook.aws.AwsSettings;
import dev.opsbook.cli.RunCommand;
import dev.opsbook.engine.RunStatus;
import dev.opsbook.graph.RunbookLoader;
import dev.opsbook.serve.ServiceLog;
import dev.opsbook.service.Service;
import dev.opsbook.testing.Served;
import io.quarkus.test.junit.QuarkusTest;
import dev.opsbook.steps.StandardSteps;
import dev.opsbook.store.JdbcRunStore;
import dev.opsbook.store.RunQuery;
import dev.opsbook.store.RunStore;
import dev.opsbook.trigger.TriggerPatternCheck;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * docs/FORMAT.md promises that nothing secret is shown or kept, whatever the secret's source. A canary goes through each
 * source (the command line, the API, the web form, an event's mapping, the parameter's default, a secret reference), the
 * runs wait, are cancelled, answered and resumed, and then every file, every table of the store, every response and
 * everything printed or logged is searched for the canaries. The service writes its lines through JBoss Logging as serve's
 * does ({@link ServiceLog}), and every log record of the application (Quarkus's own included) is captured.
 */
@QuarkusTest
class SecretsAppearNowhereTest {

    private static final String CLI = "canary-cli-1a2b";
    private static final String API = "canary-api-3c4d";
    private static final String WEB = "canary-web-5e6f";
    private static final String EVENT = "canary-event-7a8b";
    private static final String REJECTED = "canary-rejected-8b9c";
    private static final String REFUSED = "canary-refused-4d5e";
    private static final String DEFAULT = "canary-default-9c0d";
    private static final String REFERENCE = "canary-ref-1e2f";
    private static final List<String> CANARIES = List.of(CLI, API, WEB, EVENT, REJECTED, REFUSED, DEFAULT, REFERENCE);
    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

    @TempDir
    Path dir;

    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final StringBuilder responses = new StringBuilder();
    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();
    private PrintStream originalOut;
    private PrintStream originalErr;
    private WireMockServer aws;
    private RunStore store;
    private Service service;
    private Served served;
    private final java.util.logging.Handler logged = new java.util.logging.Handler() {
        @Override
        public void publish(java.util.logging.LogRecord record) {
            // //why: the message, its parameters and its exception apart, so a secret in any of them shows, however it is formatted
            StringBuilder line = new StringBuilder(String.valueOf(record.getLevel())).append(' ').append(record.getLoggerName()).append(' ')
                    .append(record.getMessage());
            if (record.getParameters() != null) {
                line.append(' ').append(java.util.Arrays.toString(record.getParameters()));
            }
            if (record.getThrown() != null) {
                java.io.StringWriter trace = new java.io.StringWriter();
                record.getThrown().printStackTrace(new java.io.PrintWriter(trace));
                line.append('\n').append(trace);
            }
            byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
            synchronized (printed) {
                printed.write(bytes, 0, bytes.length);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private String url;
    private String base;
    private String operator;
    private String approver;

    @BeforeEach
    void start() throws Exception {
        originalOut = System.out;
        originalErr = System.err;
        PrintStream everything = new PrintStream(printed, true, StandardCharsets.UTF_8);
        System.setOut(everything);
        System.setErr(everything);
        java.util.logging.Logger.getLogger("").addHandler(logged);
        AwsFakes.fakeCredentials();
        aws = new WireMockServer(options().dynamicPort());
        aws.start();
        aws.stubFor(post("/").withHeader("X-Amz-Target", equalTo("AmazonSSM.GetParameter"))
                .willReturn(AwsFakes.json("req-secret", "{\"Parameter\":{\"Name\":\"/opsbook/canary\",\"Type\":\"SecureString\",\"Value\":\""
                        + REFERENCE + "\",\"Version\":1}}")));
        aws.stubFor(post("/").withRequestBody(containing("Action=GetCallerIdentity")).willReturn(com.github.tomakehurst.wiremock.client.WireMock
                .aResponse().withStatus(200).withHeader("Content-Type", "text/xml").withBody("<GetCallerIdentityResponse"
                        + " xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/oncall"
                        + "</Arn><UserId>AIDAOPSBOOK</UserId><Account>123456789012</Account></GetCallerIdentityResult><ResponseMetadata>"
                        + "<RequestId>req-sts</RequestId></ResponseMetadata></GetCallerIdentityResponse>")));
        Path runbooks = Files.createDirectories(dir.resolve("runbooks"));
        Files.write(runbooks.resolve("canary.md"), getClass().getResourceAsStream("/secrets/canary.md").readAllBytes());
        url = JdbcRunStore.embeddedUrl(dir.resolve("store"));
        store = JdbcRunStore.open(url, "", "");
        service = new Service(new Service.Config(List.of(runbooks), dir.resolve("records"),
                new AwsSettings(Optional.of("us-east-1"), Optional.empty(), Optional.of(URI.create(aws.baseUrl()))), 3, 8, dir),
                store, new RunbookLoader(StandardSteps.all().catalog(), List.of(new TriggerPatternCheck())), ServiceLog.stream());
        served = Served.start(service);
        base = Served.base();
        ApiTokens tokens = new ApiTokens(store.tokens(), Clock.systemUTC());
        operator = tokens.issue("otto", Set.of(Role.OPERATOR)).secret();
        approver = tokens.issue("anna", Set.of(Role.APPROVER)).secret();
    }

    @AfterEach
    void stop() {
        try {
            served.close();
            service.close();
            store.close();
            aws.stop();
        } finally {
            System.setOut(originalOut);
            System.setErr(originalErr);
            java.util.logging.Logger.getLogger("").removeHandler(logged);
        }
    }

    @Test
    void a_canary_from_every_source_appears_in_no_file_table_response_or_output() throws Exception {
        String cli = cliRun();
        String api = apiLaunch("{\"token\":\"" + API + "\"}");
        String byDefault = apiLaunch("{}");
        String web = webLaunch();
        String event = eventRun();
        rejectedEvent();
        for (String run : List.of(api, byDefault, web, event)) {
            eventually(run + " waits at its gate", () -> status(run) == RunStatus.WAITING);
        }
        // cancelled while waiting: the record is written again from the store
        send("POST", "/api/runs/" + api + "/cancel", operator, "{}");
        send("POST", "/api/runs/" + event + "/cancel", operator, "{}");
        // answered: the service resumes the run from the store
        send("POST", "/api/runs/" + byDefault + "/steps/gate/approve", approver, "{}");
        send("POST", "/api/runs/" + web + "/steps/gate/approve", approver, "{}");
        for (String run : List.of(byDefault, web)) {
            eventually(run + " succeeded", () -> status(run) == RunStatus.SUCCEEDED);
        }
        for (String run : List.of(api, event, byDefault, web)) {
            eventually("the record of " + run + " is written at its end", () -> recordOf(run).contains("endedAt:"));
        }

        String session = webSession();
        responses.append(webPage("/runbooks/canary", session).body());
        for (String run : List.of(cli, api, byDefault, web, event)) {
            responses.append(send("GET", "/api/runs/" + run + "/record", operator, null).body());
            responses.append(http.send(HttpRequest.newBuilder(URI.create(base + "/api/runs/" + run + "/record"))
                    .header("Authorization", "Bearer " + operator).header("Accept", "text/html").build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            responses.append(send("GET", "/api/runs/" + run, operator, null).body());
            responses.append(send("GET", "/api/runs/" + run + "/audit", operator, null).body());
            responses.append(webPage("/runs/" + run, session).body());
            responses.append(webPage("/runs/" + run + "/live", session).body());
            responses.append(show(run));
        }
        responses.append(send("GET", "/api/runbooks/canary", operator, null).body());

        // the secrets were really there, masked
        assertThat(recordOf(cli)).contains("`token` = `********`");
        assertThat(recordOf(byDefault)).contains("`token` = `********`");
        Map<String, String> seen = Map.of("record files and audit trails", files(dir.resolve("records")) + files(dir.resolve("cli-records")),
                "the store's tables", tables(), "API and web responses, show", responses.toString(),
                "what was printed", printed.toString(StandardCharsets.UTF_8));
        List<String> leaks = new ArrayList<>();
        seen.forEach((where, text) -> CANARIES.forEach(canary -> {
            int at = text.indexOf(canary);
            if (at >= 0) {
                leaks.add(canary + " in " + where + ": ..." + text.substring(Math.max(0, at - 300), Math.min(text.length(), at + 100)));
            }
        }));
        assertThat(leaks).isEmpty();
        assertThat(seen.get("the store's tables")).as("the events were stored, masked").contains("opsbook.canary", "********");
        assertThat(webPage("/runbooks/canary", session).body()).as("the launch form says a default exists without showing it")
                .contains("has a default");
    }

    private String cliRun() throws Exception {
        int exit = new CommandLine(new RunCommand()).execute(dir.resolve("runbooks/canary.md").toString(), "--param", "token=" + CLI,
                "--yes", "--record-dir", dir.resolve("cli-records").toString(), "--store", url, "--endpoint-url", aws.baseUrl(),
                "--region", "us-east-1");
        assertThat(exit).as(printed.toString(StandardCharsets.UTF_8)).isZero();
        return store.runs(new RunQuery(Optional.of("canary"), Optional.empty(), Optional.of("cli"), 1)).get(0).id();
    }

    private String apiLaunch(String parameters) throws Exception {
        HttpResponse<String> launched = send("POST", "/api/runbooks/canary/runs", operator, "{\"parameters\":" + parameters + "}");
        assertThat(launched.statusCode()).as(launched.body()).isEqualTo(201);
        return json.readTree(launched.body()).path("id").asText();
    }

    private String webLaunch() throws Exception {
        String session = webSession();
        HttpResponse<String> page = webPage("/runbooks/canary", session);
        responses.append(page.body());
        Matcher csrf = CSRF.matcher(page.body());
        assertThat(csrf.find()).as(page.body()).isTrue();
        // //why: the form's token is signed into the cookie the page set beside it (quarkus-rest-csrf): both go back
        String formCookie = page.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("opsbook_csrf="))
                .map(c -> c.substring(0, c.indexOf(';'))).findFirst().orElseThrow();
        HttpResponse<String> launched = http.send(HttpRequest.newBuilder(URI.create(base + "/runbooks/canary/launch"))
                .header("Cookie", session + "; " + formCookie).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(Map.of("_csrf", csrf.group(1), "token", WEB, "count", "")))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(launched.statusCode()).as(launched.body()).isEqualTo(303);
        return launched.headers().firstValue("Location").orElseThrow().replaceAll("^.*/runs/", "");
    }

    private String eventRun() throws Exception {
        HttpResponse<String> answer = send("POST", "/events", operator, event("ev-canary-1", "{\"token\":\"" + EVENT + "\"}"));
        responses.append(answer.body());
        assertThat(answer.statusCode()).as(answer.body() + "\n" + printed.toString(StandardCharsets.UTF_8)).isEqualTo(200);
        return json.readTree(answer.body()).path("runs").get(0).asText();
    }

    /** An event whose mapping fails (count is no integer), and one that is no EventBridge event: no run, each kept as rejected. */
    private void rejectedEvent() throws Exception {
        HttpResponse<String> answer = send("POST", "/events", operator,
                event("ev-canary-2", "{\"token\":\"" + REJECTED + "\",\"count\":\"many\"}"));
        responses.append(answer.body());
        assertThat(answer.body()).contains("rejected");
        HttpResponse<String> refused = send("POST", "/events", operator,
                event("ev-canary-3", "{\"token\":\"" + REFUSED + "\"}").replace("\"account\":\"123456789012\",", ""));
        assertThat(refused.body()).contains("rejected", "account");
    }

    private static String event(String id, String detail) {
        return "{\"version\":\"0\",\"id\":\"" + id + "\",\"detail-type\":\"Canary\",\"source\":\"opsbook.canary\",\"account\":\"123456789012\","
                + "\"time\":\"2026-01-01T00:00:00Z\",\"region\":\"us-east-1\",\"resources\":[],\"detail\":" + detail + "}";
    }

    private String webSession() throws Exception {
        HttpResponse<String> form = http.send(HttpRequest.newBuilder(URI.create(base + "/login")).build(), HttpResponse.BodyHandlers.ofString());
        String cookie = form.headers().firstValue("Set-Cookie").orElseThrow();
        Matcher csrf = CSRF.matcher(form.body());
        assertThat(csrf.find()).isTrue();
        HttpResponse<String> login = http.send(HttpRequest.newBuilder(URI.create(base + "/login"))
                .header("Cookie", cookie.substring(0, cookie.indexOf(';'))).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(Map.of("token", operator, "next", "/runs", "_csrf", csrf.group(1))))).build(),
                HttpResponse.BodyHandlers.ofString());
        String session = login.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith(Sessions.COOKIE + "=")).findFirst()
                .orElseThrow(() -> new AssertionError("no session: " + login.statusCode() + " " + login.body()));
        return session.substring(0, session.indexOf(';'));
    }

    private HttpResponse<String> webPage(String path, String session) throws Exception {
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Cookie", session).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).as(path + ": " + page.body()).isEqualTo(200);
        return page;
    }

    private static String form(Map<String, String> fields) {
        List<String> pairs = new ArrayList<>();
        fields.forEach((k, v) -> pairs.add(k + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return String.join("&", pairs);
    }

    private HttpResponse<String> send(String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + token)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        responses.append(response.body());
        return response;
    }

    private String show(String run) {
        return dev.opsbook.testing.Show.record(run, url);
    }

    private RunStatus status(String run) {
        return store.run(run).orElseThrow().status();
    }

    private String recordOf(String run) {
        try (Stream<Path> files = Files.walk(dir)) {
            Optional<Path> record = files.filter(p -> p.getFileName().toString().equals(run + ".md")).findFirst();
            return record.isEmpty() ? "" : Files.readString(record.get());
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private void eventually(String what, BooleanSupplier condition) throws InterruptedException {
        dev.opsbook.testing.Eventually.until(what, Duration.ofSeconds(30), condition, () -> printed.toString(StandardCharsets.UTF_8));
    }

    private static String files(Path root) throws Exception {
        StringBuilder all = new StringBuilder();
        if (!Files.isDirectory(root)) {
            return "";
        }
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                all.append(file).append('\n').append(Files.readString(file, StandardCharsets.UTF_8)).append('\n');
            }
        }
        return all.toString();
    }

    /** Every row of every table of the store, as text. */
    private String tables() throws Exception {
        StringBuilder all = new StringBuilder();
        try (Connection connection = DriverManager.getConnection(url, "", "");
             Statement statement = connection.createStatement()) {
            List<String> names = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery(
                    "SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'PUBLIC'")) {
                while (rows.next()) {
                    names.add(rows.getString(1));
                }
            }
            assertThat(names).contains("RUNS", "RUN_EVENTS", "RECEIVED_EVENTS");
            for (String name : names) {
                try (ResultSet rows = statement.executeQuery("SELECT * FROM \"" + name + "\"")) {
                    int columns = rows.getMetaData().getColumnCount();
                    while (rows.next()) {
                        all.append(name).append(':');
                        for (int c = 1; c <= columns; c++) {
                            all.append(' ').append(rows.getString(c));
                        }
                        all.append('\n');
                    }
                }
            }
        }
        return all.toString();
    }
}
