package dev.cairn.annotation;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.cairn.support.CairnServerTest;
import dev.cairn.support.FakeUpstream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The annotator page in headless Chromium (Debian's chromium and chromium-driver): sign in with an
 * annotator key, answer two items with the keyboard, and find the answers as feedback in the log.
 */
class AnnotatorPageTest extends CairnServerTest {

    private static WebDriver browser;

    @DynamicPropertySource
    static void metrics(DynamicPropertyRegistry registry) {
        registry.add("cairn.feedback.metrics.quality.type", () -> "float");
        registry.add("cairn.feedback.metrics.quality.min", () -> "1");
        registry.add("cairn.feedback.metrics.quality.max", () -> "5");
    }

    private static Path browserDir;

    @BeforeAll
    static void startBrowser() throws IOException {
        // Chromium's profile and the lock directory it makes in TMPDIR go in here, deleted afterwards.
        browserDir = Files.createTempDirectory("cairn-chromium");
        ChromeOptions options = new ChromeOptions();
        if (new File("/usr/bin/chromium").canExecute()) {
            options.setBinary("/usr/bin/chromium");
        }
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--user-data-dir=" + browserDir.resolve("profile"));
        ChromeDriverService driver = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort()
                .withEnvironment(Map.of("TMPDIR", browserDir.toString())).build();
        browser = new ChromeDriver(driver, options);
    }

    @AfterAll
    static void quitBrowser() throws IOException {
        if (browser != null) {
            browser.quit();
        }
        if (browserDir != null) {
            try (var paths = Files.walk(browserDir)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    private String chat(String key, String prompt) {
        HttpResponse<String> response = post("/v1/chat/completions", key, """
                {"model":"cairn/echo","n":2,"messages":[{"role":"user","content":%s}]}""".formatted(
                        FakeUpstream.JSON.writeValueAsString(prompt)));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.headers().firstValue("Cairn-Request-Id").orElseThrow();
    }

    private void waitFor(String css, String text) {
        new WebDriverWait(browser, Duration.ofSeconds(10))
                .until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(css), text));
    }

    private static Actions keys() {
        return new Actions(browser);
    }

    @Test
    void anAnnotatorAnswersWithTheKeyboardAndTheAnswersAreFeedbackInTheLog() {
        String user = createKey("ws-page");
        String first = chat(user, "<b>bold?</b> <img src=x id=injected> & more");
        String second = chat(user, "second prompt");
        HttpResponse<String> created = post("/v1/annotation/queues", user, """
                {"name":"page <i>test</i>","filter":{"model":"cairn/echo"},
                 "questions":[{"name":"quality","type":"rating","metric":"quality"},{"name":"better","type":"choice"}]}""");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String queue = json(created).path("id").asString();
        HttpResponse<String> key = post("/admin/keys", ADMIN_KEY, """
                {"workspace":"ws-page","name":"alice","role":"annotator"}""");
        assertThat(key.statusCode()).as(key.body()).isEqualTo(201);
        String annotator = json(key).path("secret").asString();
        String annotatorId = json(key).path("id").asString();

        browser.get(url("/annotate"));
        browser.findElement(By.id("key")).sendKeys(annotator);
        browser.findElement(By.id("queue")).sendKeys(queue);
        browser.findElement(By.id("start")).click();
        waitFor("#item-number", "1");

        assertThat(browser.findElement(By.id("queue-name")).getText()).isEqualTo("page <i>test</i>");
        assertThat(browser.findElement(By.id("messages")).getText()).contains("<b>bold?</b> <img src=x id=injected> & more");
        assertThat(browser.findElements(By.cssSelector("#messages b, #choices b, #injected"))).as("content is text, not markup").isEmpty();
        assertThat(browser.findElements(By.cssSelector("#choices .choice"))).as("two answers side by side").hasSize(2);
        assertThat(browser.manage().getCookies()).as("the key is in no cookie").isEmpty();
        assertThat(browser.getCurrentUrl()).doesNotContain(annotator);
        assertThat(((JavascriptExecutor) browser).executeScript("return sessionStorage.getItem('cairn.annotator.key')"))
                .isEqualTo(annotator);

        keys().sendKeys("4").sendKeys("b").perform();
        assertThat(browser.findElement(By.cssSelector("#question-0 input[value='4']")).isSelected()).isTrue();
        assertThat(browser.findElement(By.cssSelector("#question-1 input[value='1']")).isSelected()).isTrue();
        assertThat(browser.findElement(By.id("choice-1")).getAttribute("class")).contains("picked");
        keys().keyDown(Keys.CONTROL).sendKeys(Keys.ENTER).keyUp(Keys.CONTROL).perform();
        waitFor("#item-number", "2");
        waitFor("#progress", "1 submitted");

        keys().sendKeys("2").sendKeys(Keys.ARROW_LEFT).sendKeys(Keys.ENTER).perform();
        waitFor("#status", "Nothing left for you in this queue.");
        waitFor("#progress", "2 submitted");

        Map<String, JsonNode> firstByKind = byKind(first);
        assertThat(firstByKind.get("metric").path("metric").asString()).isEqualTo("quality");
        assertThat(firstByKind.get("metric").path("value").asDouble()).isEqualTo(4.0);
        assertThat(firstByKind.get("preference").path("chosen_choice").asInt()).isEqualTo(1);
        assertThat(firstByKind.get("preference").path("rejected_choice").asInt()).isEqualTo(0);
        Map<String, JsonNode> secondByKind = byKind(second);
        assertThat(secondByKind.get("metric").path("value").asDouble()).isEqualTo(2.0);
        assertThat(secondByKind.get("preference").path("chosen_choice").asInt()).isEqualTo(0);

        long cited = json(get("/v1/audit/requests/" + first, user)).path("index").asLong();
        for (JsonNode feedback : firstByKind.values()) {
            JsonNode logged = json(get("/v1/audit/requests/" + feedback.path("id").asString(), user));
            assertThat(logged.path("index").asLong()).isEqualTo(feedback.path("log_index").asLong());
            assertThat(logged.path("entry").path("type").asString()).isEqualTo("feedback." + feedback.path("kind").asString());
            assertThat(logged.path("entry").path("data").path("interaction_index").asLong()).isEqualTo(cited);
            assertThat(logged.path("entry").path("data").path("given_by").path("key_id").asString()).isEqualTo(annotatorId);
        }
    }

    @Test
    void thePageIsPublicWithAStrictPolicyAndOpensNothingElse() {
        for (String path : List.of("/annotate", "/annotate/annotate.js", "/annotate/annotate.css")) {
            HttpResponse<String> page = get(path, null);
            assertThat(page.statusCode()).as(path).isEqualTo(200);
            assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow())
                    .contains("script-src 'self'", "default-src 'none'", "frame-ancestors 'none'")
                    .doesNotContain("unsafe-inline");
            assertThat(page.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
        }
        String html = get("/annotate", null).body();
        assertThat(html).contains("<script src=\"/annotate/annotate.js\" defer></script>")
                .doesNotContainPattern("<script>|<script [^s]|\\son[a-z]+=");
        assertThat(get("/annotate/other.js", null).statusCode()).isIn(401, 404);
        assertThat(get("/v1/annotation/queues/aq_x", null).statusCode()).isEqualTo(401);
    }

    private Map<String, JsonNode> byKind(String request) {
        Map<String, JsonNode> byKind = new HashMap<>();
        json(get("/v1/feedback?request_id=" + request, createKey("ws-page"))).path("data")
                .forEach(item -> assertThat(byKind.put(item.path("kind").asString(), item)).as("one of each kind").isNull());
        assertThat(byKind).containsOnlyKeys("metric", "preference");
        return byKind;
    }
}
