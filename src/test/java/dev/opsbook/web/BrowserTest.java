package dev.opsbook.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsbook.access.ApiTokens;
import dev.opsbook.access.Role;
import dev.opsbook.aws.AwsSettings;
import dev.opsbook.graph.RunbookLoader;
import dev.opsbook.service.Service;
import dev.opsbook.steps.StandardSteps;
import dev.opsbook.store.JdbcRunStore;
import dev.opsbook.store.RunStore;
import dev.opsbook.testing.Served;
import io.quarkus.test.junit.QuarkusTest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The pages in a real browser: Debian's headless Chromium, driven by Selenium through Debian's
 * chromedriver, against the service with its real parts (H2 store on disk, embedded SQS, shell
 * steps). Skipped, visibly, without Chromium, except on CI, where it fails.
 */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BrowserTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SCREENSHOTS = Path.of("target/screenshots");

    private Path dir;
    private RunStore store;
    private Service service;
    private Served served;
    private WebDriver browser;
    private String base;
    private String operatorToken;
    private String viewerToken;
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private com.github.tomakehurst.wiremock.WireMockServer cloudWatch;

    @BeforeAll
    void start() throws Exception {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!present && "true".equals(System.getenv("CI"))) {
            throw new IllegalStateException("CI=true but " + CHROMIUM + " or " + CHROMEDRIVER
                    + " is missing: .ci/run installs them with apt-get install chromium chromium-driver");
        }
        Assumptions.assumeTrue(present, "browser tests skipped: no " + CHROMIUM + " and " + CHROMEDRIVER
                + " (apt-get install chromium chromium-driver)");
        dir = Files.createTempDirectory("opsbook-browser");
        Path runbooks = Files.createDirectories(dir.resolve("runbooks"));
        for (String name : List.of("slow.md", "gated.md", "hostile.md")) {
            Files.write(runbooks.resolve(name), getClass().getResourceAsStream("/web/runbooks/" + name).readAllBytes());
        }
        Files.write(runbooks.resolve("instance-check.md"), getClass().getResourceAsStream("/coverage/runbooks/instance-check.md").readAllBytes());
        cloudWatch = new com.github.tomakehurst.wiremock.WireMockServer(
                com.github.tomakehurst.wiremock.core.WireMockConfiguration.options().dynamicPort());
        cloudWatch.start();
        dev.opsbook.alarm.CloudWatchFakes.serveAlarms(new com.github.tomakehurst.wiremock.client.WireMock(cloudWatch.port()));
        for (String hook : List.of("/hooks/tier1", "/hooks/tier2")) {
            cloudWatch.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(hook)
                    .willReturn(com.github.tomakehurst.wiremock.client.WireMock.aResponse().withStatus(200)));
        }
        Files.writeString(runbooks.resolve("escalated.md"), new String(getClass().getResourceAsStream("/web/runbooks/escalated.md").readAllBytes(),
                StandardCharsets.UTF_8).replace("HOOKS", cloudWatch.baseUrl() + "/hooks"));
        dev.opsbook.aws.AwsFakes.fakeCredentials();
        store = JdbcRunStore.open(JdbcRunStore.embeddedUrl(dir.resolve("store")), "", "");
        RunbookLoader loader = new RunbookLoader(StandardSteps.all().catalog());
        service = new Service(new Service.Config(List.of(runbooks), dir.resolve("records"),
                new AwsSettings(Optional.of("us-east-1"), Optional.empty(), Optional.of(URI.create(cloudWatch.baseUrl()))), 3, 4, dir),
                store, loader, new PrintStream(log, true, StandardCharsets.UTF_8));
        served = Served.start(service);
        base = Served.base();
        ApiTokens tokens = new ApiTokens(store.tokens(), Clock.systemUTC());
        operatorToken = tokens.issue("ada", Set.of(Role.OPERATOR, Role.APPROVER)).secret();
        viewerToken = tokens.issue("val", Set.of(Role.VIEWER)).secret();

        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic",
                "--no-first-run", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                "--window-size=1200,1000", "--user-data-dir=" + Files.createDirectories(dir.resolve("chromium-profile")));
        ChromeDriverService driver = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        browser = new ChromeDriver(driver, options);
        browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(20));
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterAll
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (served != null) {
            served.close();
        }
        if (service != null) {
            service.close();
        }
        if (store != null) {
            store.close();
        }
        if (cloudWatch != null) {
            cloudWatch.stop();
        }
        if (dir != null) {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (java.io.IOException e) {
                // a temporary folder left behind
            }
        }
    }

    @BeforeEach
    void loggedOut() {
        if (browser != null) {
            browser.manage().deleteAllCookies();
        }
    }

    private void logIn(String token) {
        browser.get(base + "/runs");
        assertThat(browser.getCurrentUrl()).contains("/login?next=");
        browser.findElement(By.id("token")).sendKeys(token);
        browser.findElement(By.id("login")).click();
        waitFor(d -> d.getCurrentUrl().endsWith("/runs"));
    }

    private void waitFor(java.util.function.Function<WebDriver, Boolean> condition) {
        new WebDriverWait(browser, Duration.ofSeconds(20), Duration.ofMillis(100))
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class).until(condition::apply);
    }

    /** //why: the live part, status included, is swapped in whole whenever the run moves, so an element found may be gone when read */
    private String status() {
        for (int tries = 1; ; tries++) {
            try {
                return browser.findElement(By.id("run-status")).getText();
            } catch (org.openqa.selenium.StaleElementReferenceException e) {
                if (tries == 5) {
                    throw e;
                }
            }
        }
    }

    private void screenshot(String name) throws Exception {
        Files.write(SCREENSHOTS.resolve(name + ".png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }

    private String launch(String runbook, java.util.Map<String, String> params) {
        browser.get(base + "/runbooks/" + runbook);
        params.forEach((name, value) -> {
            WebElement field = browser.findElement(By.id("p-" + name));
            field.clear();
            field.sendKeys(value);
        });
        browser.findElement(By.id("launch")).click();
        waitFor(d -> d.getCurrentUrl().matches(".*/runs/[^/]+$"));
        return browser.getCurrentUrl().replaceAll(".*/runs/", "");
    }

    @Test
    void a_person_logs_in_with_a_token_and_sees_who_they_are() {
        logIn(operatorToken);

        assertThat(browser.findElement(By.id("who")).getText()).isEqualTo("ada · approver, operator");
        assertThat(browser.manage().getCookieNamed("opsbook_session").isHttpOnly()).isTrue();
    }

    @Test
    void a_wrong_token_is_refused_at_the_login_form() {
        browser.get(base + "/login");
        browser.findElement(By.id("token")).sendKeys("opsbook_not-a-token");
        browser.findElement(By.id("login")).click();

        // //why: wait for the answer page; looking at once found the form page still showing (flaky under load)
        waitFor(d -> !d.findElements(By.id("login-error")).isEmpty());
        assertThat(browser.findElement(By.id("login-error")).getText()).contains("unknown or revoked");
        assertThat(browser.manage().getCookieNamed("opsbook_session")).isNull();
    }

    @Test
    void a_run_launched_from_the_form_is_followed_live_until_it_succeeds() throws Exception {
        logIn(operatorToken);

        String runId = launch("slow", java.util.Map.of("name", "ada"));
        ((JavascriptExecutor) browser).executeScript("window.samePage = 'yes'");
        assertThat(status()).isIn("running", "succeeded");
        screenshot("run-live-running");
        waitFor(d -> status().equals("succeeded"));

        // //why: the marker survives only if the page was updated in place (server-sent events), not reloaded
        assertThat(((JavascriptExecutor) browser).executeScript("return window.samePage")).isEqualTo("yes");
        //why: the live part may be swapped in once more after the status says succeeded, so the record is read as it settles
        waitFor(d -> d.findElement(By.id("record")).getText().contains("one for ada") && d.findElement(By.id("record")).getText().contains("three"));
        assertThat(browser.findElements(By.cssSelector("g.step.st-succeeded"))).hasSize(3);
        waitFor(d -> d.findElement(By.id("audit-verdict")).getText().contains("ending where the store sealed it"));
        assertThat(browser.findElement(By.id("audit-verdict")).getText()).startsWith("The trail verifies");
        assertThat(runId).isNotBlank();
        screenshot("run-succeeded");
    }

    @Test
    void a_form_outside_the_live_part_still_posts_after_the_run_moved_on_the_page() throws Exception {
        logIn(operatorToken);
        launch("slow", java.util.Map.of("name", "ada"));
        waitFor(d -> status().equals("succeeded"));
        //why: each live update is a page of its own with a new form token and cookie; the header's form must follow it
        waitFor(d -> d.findElement(By.id("record")).getText().contains("three"));

        browser.findElement(By.cssSelector("form.logout button")).click();

        waitFor(d -> d.findElements(By.id("who")).isEmpty());
        assertThat(browser.getPageSource()).doesNotContain("Form refused");
        assertThat(browser.manage().getCookieNamed("opsbook_session")).as("logged out").isNull();
    }

    @Test
    void the_form_checks_a_pattern_in_the_browser_and_the_server_checks_it_again() throws Exception {
        logIn(operatorToken);
        browser.get(base + "/runbooks/slow");
        WebElement name = browser.findElement(By.id("p-name"));
        name.sendKeys("Not Lower");

        assertThat((Boolean) ((JavascriptExecutor) browser).executeScript("return arguments[0].validity.patternMismatch", name)).isTrue();

        ((JavascriptExecutor) browser).executeScript("document.getElementById('launch-form').noValidate = true");
        browser.findElement(By.id("launch")).click();
        waitFor(d -> !d.findElements(By.id("error-name")).isEmpty());
        assertThat(browser.findElement(By.id("error-name")).getText()).contains("does not match pattern '^[a-z]+$'");
        assertThat(browser.findElement(By.id("p-name")).getAttribute("value")).isEqualTo("Not Lower");
        screenshot("launch-form-error");
    }

    @Test
    void the_plan_button_shows_the_dry_run_without_running_anything() {
        logIn(operatorToken);
        browser.get(base + "/runbooks/gated");
        new Select(browser.findElement(By.id("p-service"))).selectByValue("api");
        browser.findElement(By.id("plan")).click();

        waitFor(d -> !d.findElements(By.id("plan-result")).isEmpty());
        assertThat(browser.findElement(By.id("plan-result")).getText()).contains("allow").contains("Restart api?")
                .contains("restarting api");
    }

    @Test
    void an_approver_sees_what_comes_next_and_approves_the_gate() throws Exception {
        logIn(operatorToken);
        launch("gated", java.util.Map.of());
        waitFor(d -> status().equals("waiting"));

        WebElement waiting = browser.findElement(By.cssSelector("[data-waiting=allow]"));
        assertThat(waiting.getText()).contains("Restart web?").contains("restart").contains("restarting web");
        screenshot("run-waiting");
        browser.findElement(By.id("comment-allow")).sendKeys("go ahead");
        browser.findElement(By.id("approve-allow")).click();

        waitFor(d -> status().equals("succeeded"));
        //why: the live part may be swapped in once more after the status says succeeded, so the record is read as it settles
        waitFor(d -> d.findElement(By.id("record")).getText().contains("Approved by") && d.findElement(By.id("record")).getText().contains("ada")
                && d.findElement(By.id("record")).getText().contains("restarting web"));
    }

    @Test
    void an_operator_acknowledges_a_waiting_run_with_the_button_and_no_further_tier_is_told() throws Exception {
        logIn(operatorToken);
        String runId = launch("escalated", java.util.Map.of());
        waitFor(d -> status().equals("waiting"));
        // //why: telling a tier is no run event, so the live part does not move for it: the page is read again
        waitFor(d -> {
            d.navigate().refresh();
            return !d.findElements(By.id("acknowledge")).isEmpty() && d.findElement(By.id("escalation")).getText().contains("tier 1 told");
        });
        assertThat(hooks("/hooks/tier1")).hasSize(1);
        screenshot("run-escalating");

        browser.findElement(By.id("acknowledge")).click();

        waitFor(d -> d.getCurrentUrl().endsWith("/runs/" + runId) && d.findElement(By.id("escalation")).getText().contains("acknowledged by ada"));
        assertThat(browser.findElements(By.id("acknowledge"))).as("nothing left to acknowledge").isEmpty();
        assertThat(status()).as("acknowledging answers nothing").isEqualTo("waiting");
        Instant toldAt = store.notices(runId).get(0).toldAt();
        // //why: tier 2 would be due 3 s after tier 1; wait that out, and a tick of the escalator, to see it is not told
        Thread.sleep(Math.max(0, Duration.between(Instant.now(), toldAt.plusSeconds(5)).toMillis()));
        assertThat(hooks("/hooks/tier2")).as("the acknowledgement stopped the escalation").isEmpty();
        assertThat(hooks("/hooks/tier1")).hasSize(1);
        browser.navigate().refresh();
        assertThat(browser.findElement(By.id("escalation")).getText()).contains("acknowledged by ada").doesNotContain("tier 2 told");
    }

    @Test
    void an_operator_comments_on_a_step_from_the_run_page_edits_it_and_a_viewer_only_reads_it() throws Exception {
        logIn(operatorToken);
        String runId = launch("slow", java.util.Map.of("name", "ada"));
        waitFor(d -> status().equals("succeeded"));

        browser.findElement(By.id("comment-text")).sendKeys("two was slow <b>again</b>");
        browser.findElement(By.id("comment-step")).sendKeys("two");
        browser.findElement(By.id("add-comment")).click();

        waitFor(d -> !d.findElements(By.cssSelector("[data-comment]")).isEmpty());
        WebElement comment = browser.findElement(By.cssSelector("[data-comment]"));
        assertThat(comment.getText()).contains("ada (tok-", "on step two", "two was slow <b>again</b>");
        assertThat(browser.findElement(By.id("record")).getText()).as("the record shows it, escaped").contains("Comments", "two was slow <b>again</b>");
        screenshot("run-comment");

        comment.findElement(By.tagName("summary")).click();
        WebElement text = comment.findElement(By.cssSelector("form.comment-edit textarea"));
        text.clear();
        text.sendKeys("two was slow, fixed by the cache");
        comment.findElement(By.cssSelector("form.comment-edit button")).click();
        waitFor(d -> d.findElement(By.cssSelector("[data-comment]")).getText().contains("fixed by the cache"));
        assertThat(browser.findElement(By.cssSelector("[data-comment]")).getText()).contains("edited");

        browser.manage().deleteAllCookies();
        logIn(viewerToken);
        browser.get(base + "/runs/" + runId);
        assertThat(browser.findElement(By.id("comments")).getText()).contains("fixed by the cache", "Commenting needs the operator role");
        assertThat(browser.findElements(By.id("add-comment"))).isEmpty();
        assertThat(browser.findElements(By.cssSelector("form.comment-delete"))).as("not theirs to delete").isEmpty();
    }

    private List<com.github.tomakehurst.wiremock.verification.LoggedRequest> hooks(String path) {
        return cloudWatch.findAll(com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(
                com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo(path)));
    }

    @Test
    void a_past_run_is_opened_from_the_run_list() throws Exception {
        logIn(operatorToken);
        String runId = launch("slow", java.util.Map.of("name", "bob"));
        waitFor(d -> status().equals("succeeded"));

        browser.get(base + "/runs");
        new Select(browser.findElement(By.name("runbook"))).selectByValue("slow");
        new Select(browser.findElement(By.name("status"))).selectByValue("succeeded");
        new Select(browser.findElement(By.name("trigger"))).selectByValue("web");
        browser.findElement(By.cssSelector("#filters button")).click();
        waitFor(d -> d.getCurrentUrl().contains("trigger=web"));
        assertThat(browser.findElement(By.cssSelector("tr[data-run='" + runId + "'] td:nth-child(4)")).getText())
                .as("launched from the pages").isEqualTo("web");
        browser.findElement(By.linkText(runId)).click();

        waitFor(d -> d.getCurrentUrl().endsWith("/runs/" + runId));
        assertThat(status()).isEqualTo("succeeded");
        assertThat(browser.findElement(By.id("record")).getText()).contains("one for bob").contains("Run timeline");
        assertThat(browser.findElement(By.id("live")).getAttribute("data-live")).isEqualTo("false");
        assertThat(browser.findElement(By.id("record")).getText()).containsPattern("Started by ada \\(tok-[0-9a-f]+\\) \\(web\\)");
        browser.get(base + "/runs?status=failed");
        assertThat(browser.findElements(By.linkText(runId))).isEmpty();
        browser.get(base + "/runs?trigger=api");
        assertThat(browser.findElements(By.linkText(runId))).isEmpty();
    }

    @Test
    void two_runs_are_compared_from_the_run_page_with_what_differs_marked_and_the_runbook_diff_also_on_a_phone() throws Exception {
        dev.opsbook.testing.TwoVersions runs = dev.opsbook.testing.TwoVersions.run(Files.createDirectories(dir.resolve("compared")),
                JdbcRunStore.embeddedUrl(dir.resolve("store")), store);
        logIn(viewerToken);
        browser.get(base + "/runs/" + runs.runB());
        browser.findElement(By.id("compare-previous")).click();
        waitFor(d -> d.getCurrentUrl().endsWith("/runs/" + runs.runA() + "/diff/" + runs.runB()));

        assertThat(browser.findElement(By.cssSelector("#diff-summary tr.changed")).getText()).startsWith("Status failed succeeded");
        WebElement service = browser.findElement(By.cssSelector("#diff-parameters tr[data-parameter=service]"));
        assertThat(service.getAttribute("class")).isEqualTo("changed");
        assertThat(service.getText()).contains("web", "api");
        assertThat(browser.findElement(By.cssSelector("#diff-parameters tr[data-parameter=hosts]")).getAttribute("class")).isNullOrEmpty();
        assertThat(browser.findElement(By.cssSelector("#diff-steps tr[data-step=copy]")).getText()).contains("succeeded, rolled back");
        assertThat(browser.findElement(By.cssSelector("#diff-steps tr[data-step=old-step]")).getText()).contains("not reached", "not in runbook");
        assertThat(browser.findElement(By.cssSelector("#diff-steps tr[data-step=restart] td:nth-child(2)")).getText())
                .contains("2 items: 1 failed, 1 succeeded");
        assertThat(browser.findElement(By.id("people-a")).getText()).contains("allow: approved by");
        assertThat(browser.findElements(By.cssSelector("#diff-text .del"))).extracting(WebElement::getText)
                .contains("-echo \"checked $service with $token\"", "-```shell id=old-step");
        assertThat(browser.findElements(By.cssSelector("#diff-text .add"))).extracting(WebElement::getText).contains("+```shell id=tell");
        assertThat(browser.getPageSource()).doesNotContain(dev.opsbook.testing.TwoVersions.TOKEN_A);
        screenshot("run-diff");

        browser.get(base + "/runs/" + runs.runB());
        browser.findElement(By.id("compare-with")).sendKeys(runs.runB());
        browser.findElement(By.cssSelector("#compare button")).click();
        waitFor(d -> d.getCurrentUrl().endsWith("/runs/" + runs.runB() + "/diff/" + runs.runB()));
        assertThat(browser.findElement(By.id("diff-sides")).getText()).contains("0 of");
        assertThat(browser.findElement(By.id("diff-text-same")).getText()).isEqualTo("Both runs ran the same runbook text.");
        browser.findElement(By.id("with")).sendKeys("no-such-run");
        browser.findElement(By.cssSelector("#compare-with button")).click();
        waitFor(d -> d.getPageSource().contains("No run no-such-run"));

        org.openqa.selenium.Dimension desktop = browser.manage().window().getSize();
        browser.manage().window().setSize(new org.openqa.selenium.Dimension(390, 844));
        try {
            browser.get(base + "/runs/" + runs.runA() + "/diff/" + runs.runB());
            JavascriptExecutor js = (JavascriptExecutor) browser;
            waitFor(d -> "complete".equals(js.executeScript("return document.readyState")));
            screenshot("phone-run-diff");
            Number scrollWidth = (Number) js.executeScript("return document.scrollingElement.scrollWidth");
            Number innerWidth = (Number) js.executeScript("return Math.min(window.innerWidth, document.scrollingElement.clientWidth)");
            assertThat(scrollWidth.intValue()).as("the comparison scrolls sideways on a phone").isLessThanOrEqualTo(innerWidth.intValue());
        } finally {
            browser.manage().window().setSize(desktop);
        }
    }

    @Test
    void runs_are_found_from_the_search_box_which_keeps_the_other_filters() throws Exception {
        logIn(operatorToken);
        String carol = launch("slow", java.util.Map.of("name", "carol"));
        waitFor(d -> status().equals("succeeded"));
        String dave = launch("slow", java.util.Map.of("name", "dave"));
        waitFor(d -> status().equals("succeeded"));

        browser.get(base + "/runs?status=succeeded");
        browser.findElement(By.name("q")).sendKeys("one for carol");
        browser.findElement(By.name("since")).sendKeys("1h");
        browser.findElement(By.cssSelector("#filters button")).click();
        waitFor(d -> d.getCurrentUrl().contains("q=one+for+carol"));
        assertThat(browser.getCurrentUrl()).contains("status=succeeded", "since=1h");
        assertThat(browser.findElements(By.linkText(carol))).hasSize(1);
        assertThat(browser.findElements(By.linkText(dave))).as("dave's run has other words").isEmpty();
        assertThat(browser.findElement(By.name("q")).getAttribute("value")).as("the box keeps the search").isEqualTo("one for carol");
        assertThat(new Select(browser.findElement(By.name("status"))).getFirstSelectedOption().getText()).isEqualTo("succeeded");
        screenshot("run-search");

        browser.get(base + "/runs?q=dave&status=failed");
        assertThat(browser.findElements(By.linkText(dave))).as("the status filter still holds").isEmpty();
        browser.get(base + "/runs?q=%2B%2B");
        assertThat(browser.getPageSource()).contains("has no word to look for");
    }

    @Test
    void markup_in_prose_and_in_step_output_is_shown_as_text_and_never_runs() throws Exception {
        logIn(operatorToken);
        browser.get(base + "/runbooks");
        assertThat(browser.findElement(By.cssSelector("[data-runbook=hostile] h2")).getText())
                .contains("<script>document.title='pwned-title'</script>");

        launch("hostile", java.util.Map.of("target", "abc"));
        waitFor(d -> status().equals("succeeded"));
        browser.navigate().refresh();

        JavascriptExecutor js = (JavascriptExecutor) browser;
        assertThat(browser.getTitle()).doesNotContain("pwned");
        assertThat(js.executeScript("return [window.pwnedByProse, window.pwnedByOutput, window.pwnedByImage, window.pwnedByLink]"))
                .asList().containsOnlyNulls();
        String record = browser.findElement(By.id("record")).getText();
        assertThat(record).contains("<script>window.pwnedByProse = true;")
                .contains("<script>window.pwnedByOutput = true;")
                .contains("<img src=x onerror=");
        assertThat(browser.findElements(By.cssSelector("#record script, #record img"))).isEmpty();
        screenshot("xss-as-text");
    }

    @Test
    void on_a_phone_the_catalog_and_a_waiting_run_fit_the_width_and_the_approve_button_shows() throws Exception {
        logIn(operatorToken);
        String runId = launch("gated", java.util.Map.of());
        waitFor(d -> status().equals("waiting"));
        org.openqa.selenium.Dimension desktop = browser.manage().window().getSize();
        browser.manage().window().setSize(new org.openqa.selenium.Dimension(390, 844));
        try {
            JavascriptExecutor js = (JavascriptExecutor) browser;
            assertThat(((Number) js.executeScript("return window.innerWidth")).intValue()).as("the phone's width").isLessThanOrEqualTo(390);
            for (String page : List.of("/runbooks", "/runs/" + runId)) {
                browser.get(base + page);
                waitFor(d -> "complete".equals(js.executeScript("return document.readyState")));
                screenshot("phone" + (page.equals("/runbooks") ? "-catalog" : "-run-waiting"));
                Number scrollWidth = (Number) js.executeScript("return document.scrollingElement.scrollWidth");
                // //why: innerWidth counts the vertical scrollbar; the width left beside it (clientWidth) is what must not be exceeded
                Number innerWidth = (Number) js.executeScript("return Math.min(window.innerWidth, document.scrollingElement.clientWidth)");
                assertThat(scrollWidth.intValue()).as(page + " scrolls sideways on a phone: " + js.executeScript(
                        "return [...document.querySelectorAll('body *')]"
                                + ".filter(e => e.getBoundingClientRect().right > document.scrollingElement.clientWidth)"
                                + ".slice(0, 5).map(e => e.tagName + '.' + e.className + '#' + e.id).join(', ')"))
                        .isLessThanOrEqualTo(innerWidth.intValue());
            }
            WebElement approve = browser.findElement(By.id("approve-allow"));
            js.executeScript("arguments[0].scrollIntoView({block: 'center'})", approve);
            assertThat(approve.isDisplayed()).isTrue();
            assertThat((Boolean) js.executeScript("const r = arguments[0].getBoundingClientRect();"
                    + " return r.width > 0 && r.left >= 0 && r.right <= window.innerWidth", approve)).as("the approve button within the screen's width").isTrue();
        } finally {
            browser.manage().window().setSize(desktop);
        }
    }

    @Test
    void a_viewer_sees_no_controls_and_the_server_refuses_what_the_role_may_not_do() throws Exception {
        // a run waiting at an approval, launched by someone who may
        HttpClient http = HttpClient.newHttpClient();
        // //why: a form post carries the form token its page gave (rest-csrf), also when a script sends it with a Bearer token
        HttpResponse<String> formPage = http.send(HttpRequest.newBuilder(URI.create(base + "/runbooks/gated"))
                .header("Authorization", "Bearer " + operatorToken).build(), HttpResponse.BodyHandlers.ofString());
        String formCookie = formPage.headers().firstValue("Set-Cookie").orElseThrow().replaceAll(";.*$", "");
        java.util.regex.Matcher formToken = java.util.regex.Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(formPage.body());
        assertThat(formToken.find()).isTrue();
        String runId = http.send(HttpRequest.newBuilder(URI.create(base + "/runbooks/gated/launch"))
                        .header("Authorization", "Bearer " + operatorToken).header("Cookie", formCookie)
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString("_csrf=" + formToken.group(1) + "&service=api")).build(),
                        HttpResponse.BodyHandlers.discarding())
                .headers().firstValue("Location").orElseThrow().replaceAll(".*/runs/", "");

        logIn(viewerToken);
        browser.get(base + "/runbooks/gated");
        assertThat(browser.findElements(By.id("launch-form"))).isEmpty();
        assertThat(browser.findElement(By.id("no-launch")).getText()).contains("operator");
        browser.get(base + "/runs/" + runId);
        waitFor(d -> status().equals("waiting"));
        assertThat(browser.findElements(By.id("approve-allow"))).isEmpty();
        screenshot("viewer-waiting");

        String cookie = "opsbook_session=" + browser.manage().getCookieNamed("opsbook_session").getValue();
        String csrf = browser.findElement(By.name("_csrf")).getAttribute("value");
        HttpResponse<String> forged = http.send(HttpRequest.newBuilder(URI.create(base + "/runs/" + runId + "/steps/allow/answer"))
                .header("Cookie", cookie).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("_csrf=" + csrf + "&answer=approve")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(forged.body()).contains("needs approver");

        int runsBefore = store.runs(dev.opsbook.store.RunQuery.latest(1000)).size();
        HttpResponse<String> launch = http.send(HttpRequest.newBuilder(URI.create(base + "/runbooks/gated/launch"))
                .header("Cookie", cookie).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("_csrf=" + csrf + "&service=web")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(launch.statusCode()).isEqualTo(403);
        assertThat(store.runs(dev.opsbook.store.RunQuery.latest(1000))).hasSize(runsBefore);
    }

    @Test
    void a_run_launched_under_an_incident_id_links_to_the_incident_whose_timeline_the_nav_lists() throws Exception {
        logIn(operatorToken);
        browser.get(base + "/runbooks/slow");
        browser.findElement(By.id("p-name")).sendKeys("ada");
        browser.findElement(By.id("p-opsbook-incident")).sendKeys("INC 31");
        // //why: the browser's own pattern check would stop the form before the server sees it; the server must refuse it too
        ((JavascriptExecutor) browser).executeScript("document.getElementById('p-opsbook-incident').removeAttribute('pattern')");
        browser.findElement(By.id("launch")).click();
        waitFor(d -> !d.findElements(By.id("error-opsbook-incident")).isEmpty());
        assertThat(browser.findElement(By.id("error-opsbook-incident")).getText()).contains("letters, digits and - _ . :");

        String runId = launch("slow", java.util.Map.of("name", "ada", "opsbook-incident", "INC-31"));
        waitFor(d -> status().equals("succeeded"));
        browser.findElement(By.id("run-incident")).click();
        waitFor(d -> d.getCurrentUrl().endsWith("/incidents/INC-31"));
        assertThat(browser.findElement(By.id("incident-facts")).getText()).contains("tagged: INC-31", "Time to resolution:")
                .doesNotContain("not resolved yet");
        assertThat(browser.findElement(By.cssSelector("tr[data-run='" + runId + "']")).getText()).contains("slow", "succeeded");
        List<WebElement> timeline = browser.findElements(By.cssSelector("#timeline tbody tr"));
        assertThat(timeline.get(0).getText()).contains(runId, "run of slow started (web, by ada");
        assertThat(browser.findElements(By.cssSelector("#timeline tr[data-kind='step-done']"))).hasSize(3);
        assertThat(timeline.get(timeline.size() - 1).getText()).contains("run succeeded");
        screenshot("incident");

        browser.findElement(By.linkText("Incidents")).click();
        waitFor(d -> d.getCurrentUrl().endsWith("/incidents"));
        assertThat(browser.findElement(By.cssSelector("tr[data-incident='INC-31']")).getText()).contains("tagged", "1", "ended");
        browser.findElement(By.linkText("INC-31")).click();
        waitFor(d -> d.getCurrentUrl().endsWith("/incidents/INC-31"));
        browser.findElement(By.id("incident-report")).click();
        waitFor(d -> d.getPageSource().contains("# Incident INC-31"));

        String untagged = launch("slow", java.util.Map.of("name", "bo"));
        waitFor(d -> status().equals("succeeded"));
        browser.get(base + "/runs");
        browser.findElement(By.name("incident")).sendKeys("INC-31");
        browser.findElement(By.cssSelector("#filters button")).click();
        waitFor(d -> d.getCurrentUrl().contains("incident=INC-31"));
        assertThat(browser.findElements(By.linkText(runId))).hasSize(1);
        assertThat(browser.findElements(By.linkText(untagged))).as("a run of no incident").isEmpty();
        assertThat(browser.findElement(By.name("incident")).getAttribute("value")).isEqualTo("INC-31");
        browser.get(base + "/runs?incident=INC%2031");
        assertThat(browser.getPageSource()).contains("letters, digits and - _ . :");
    }

    @Test
    void the_coverage_page_linked_from_the_nav_shows_each_alarm_with_the_runbook_it_starts_or_none() throws Exception {
        logIn(viewerToken);
        browser.findElement(By.linkText("Coverage")).click();
        waitFor(d -> d.getCurrentUrl().endsWith("/coverage"));

        assertThat(browser.findElement(By.id("coverage-summary")).getText()).startsWith("3 alarms from CloudWatch in us-east-1, 2 with no runbook");
        WebElement covered = browser.findElement(By.cssSelector("tr[data-alarm='web-1-instance-status-check']"));
        assertThat(covered.getAttribute("class")).isEqualTo("covered");
        assertThat(covered.getText()).contains("AWS/EC2 StatusCheckFailed_Instance").contains("instance-check (trigger 1)")
                .contains("instanceId = i-0abcd1234ef567890").doesNotContain("none");
        WebElement none = browser.findElement(By.cssSelector("tr[data-alarm='api-5xx-rate']"));
        assertThat(none.getAttribute("class")).isEqualTo("uncovered");
        assertThat(none.getText()).contains("none");
        // the composite alarm's runbook tag names a runbook this service does not have
        assertThat(browser.findElement(By.cssSelector("tr[data-alarm='checkout-down']")).getText()).contains("composite").contains("none")
                .contains("names service-down (tag runbook), not counted: no runbook 'service-down' is here");
        screenshot("coverage");

        covered.findElement(By.linkText("instance-check")).click();
        waitFor(d -> d.getCurrentUrl().endsWith("/runbooks/instance-check"));
    }

    @Test
    void the_dashboard_from_the_nav_draws_runs_per_day_ranks_the_approval_to_automate_and_fits_a_phone() throws Exception {
        logIn(operatorToken);
        launch("gated", java.util.Map.of());
        waitFor(d -> status().equals("waiting"));
        browser.findElement(By.id("approve-allow")).click();
        waitFor(d -> status().equals("succeeded"));

        browser.findElement(By.linkText("Dashboard")).click();
        waitFor(d -> d.getCurrentUrl().endsWith("/dashboard"));

        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("All runbooks");
        WebElement today = browser.findElement(By.cssSelector("#runs-per-day g.day:last-of-type"));
        assertThat(Integer.parseInt(today.getAttribute("data-runs"))).isPositive();
        assertThat(today.findElements(By.cssSelector("rect.bar-succeeded"))).isNotEmpty();
        assertThat(browser.findElement(By.id("success-rate")).getText()).matches("(?s)\\d+%\\s+succeeded.*");
        assertThat(browser.findElement(By.id("waiting-for-people")).getText()).contains("Waiting for people");
        WebElement allow = browser.findElement(By.cssSelector("#automate-next li[data-step=allow]"));
        assertThat(allow.getText()).contains("gated").contains("approve").containsPattern("approved \\d+% of \\d+ times?; ");
        screenshot("dashboard");

        browser.get(base + "/runbooks/gated");
        browser.findElement(By.id("runbook-dashboard")).click();
        waitFor(d -> d.getCurrentUrl().endsWith("/dashboard/gated"));
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("gated");
        assertThat(browser.findElements(By.cssSelector("#automate-next li"))).extracting(e -> e.getAttribute("data-step")).containsOnly("allow");

        browser.get(base + "/dashboard?since=yesterday");
        assertThat(browser.findElement(By.tagName("main")).getText()).contains("since 'yesterday' is not a time");

        org.openqa.selenium.Dimension desktop = browser.manage().window().getSize();
        browser.manage().window().setSize(new org.openqa.selenium.Dimension(390, 844));
        try {
            JavascriptExecutor js = (JavascriptExecutor) browser;
            browser.get(base + "/dashboard");
            waitFor(d -> "complete".equals(js.executeScript("return document.readyState")));
            screenshot("phone-dashboard");
            Number scrollWidth = (Number) js.executeScript("return document.scrollingElement.scrollWidth");
            Number innerWidth = (Number) js.executeScript("return Math.min(window.innerWidth, document.scrollingElement.clientWidth)");
            assertThat(scrollWidth.intValue()).as("the dashboard scrolls sideways on a phone").isLessThanOrEqualTo(innerWidth.intValue());
            assertThat((Boolean) js.executeScript("const r = document.getElementById('runs-per-day').getBoundingClientRect();"
                    + " return r.width > 200 && r.right <= window.innerWidth")).as("the chart shrinks to the phone and stays readable").isTrue();
        } finally {
            browser.manage().window().setSize(desktop);
        }
    }

    @Test
    void a_post_without_the_sessions_csrf_token_is_refused() throws Exception {
        logIn(operatorToken);
        String cookie = "opsbook_session=" + browser.manage().getCookieNamed("opsbook_session").getValue();
        HttpClient http = HttpClient.newHttpClient();
        long before = store.runs(dev.opsbook.store.RunQuery.latest(1000)).size();

        HttpResponse<String> noToken = http.send(HttpRequest.newBuilder(URI.create(base + "/runbooks/gated/launch"))
                .header("Cookie", cookie).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("service=web")).build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> wrongToken = http.send(HttpRequest.newBuilder(URI.create(base + "/runbooks/gated/launch"))
                .header("Cookie", cookie).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("_csrf=guessed&service=web")).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(noToken.statusCode()).isEqualTo(403);
        assertThat(noToken.body()).contains("CSRF");
        assertThat(wrongToken.statusCode()).isEqualTo(403);
        assertThat(store.runs(dev.opsbook.store.RunQuery.latest(1000))).hasSize((int) before);
    }

    @Test
    void pages_forbid_framing_and_inline_scripts() throws Exception {
        HttpResponse<String> login = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "/login")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(login.headers().firstValue("Content-Security-Policy").orElse("")).contains("default-src 'self'")
                .contains("frame-ancestors 'none'").doesNotContain("unsafe-inline");
        assertThat(login.headers().firstValue("X-Frame-Options")).contains("DENY");
        assertThat(login.body()).contains("<script src=\"/static/opsbook.js\" defer></script>").doesNotContain("<script>");
    }
}
