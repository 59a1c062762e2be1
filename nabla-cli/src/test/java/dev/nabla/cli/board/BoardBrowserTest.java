package dev.nabla.cli.board;

import dev.nabla.cli.BoardCommand;
import dev.nabla.cli.Main;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The board as a person sees it, in Debian's headless chromium driven through its own chromedriver (installed by
 * .ci/run; Selenium is given both paths, so it downloads nothing). Skipped only where chromium is absent outside CI.
 */
class BoardBrowserTest {

    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver"), CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path SCREENSHOTS = Path.of("target", "board-screenshots");

    private BoardServer server;
    private ChromeDriver browser;

    @BeforeEach
    void browser() {
        boolean present = Files.isExecutable(CHROMEDRIVER) && Files.isExecutable(CHROMIUM);
        if ("true".equals(System.getenv("CI"))) {
            assertThat(present).as("CI must have chromium and chromium-driver (.ci/run installs them)").isTrue();
        }
        assumeTrue(present, "chromium and chromium-driver are not installed (apt-get install chromium chromium-driver)");
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile())
                .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1400,1000");
        browser = new ChromeDriver(service, options);
    }

    @AfterEach
    void stop() {
        if (browser != null) browser.quit();
        if (server != null) server.close();
    }

    private WebDriverWait waiting(int seconds) {
        // The page redraws as data arrives; an element read during a redraw is looked up again.
        return (WebDriverWait) new WebDriverWait(browser, Duration.ofSeconds(seconds), Duration.ofMillis(100))
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class);
    }

    private Object js(String script) {
        return ((JavascriptExecutor) browser).executeScript(script);
    }

    private void screenshot(String name) throws Exception {
        Files.createDirectories(SCREENSHOTS);
        File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), SCREENSHOTS.resolve(name), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /** The number of points the run's loss line draws (one per epoch), read in one script as the page redraws live. */
    private int lossPoints(String run) {
        Object n = js("const l = document.querySelector(\"figure[data-chart='loss'] polyline[data-run='" + run + "'][data-key='loss']\");"
                + " return l ? l.getAttribute('points').split(' ').filter(p => p).length : 0;");
        return ((Number) n).intValue();
    }

    @Test
    void theRunsPageListsTheRunsAndDrawsTheirChartsOverlaid(@TempDir Path runs) throws Exception {
        Runs.withModel(runs, "iris-a", 6);
        Path b = Runs.withHistory(runs, "iris-b", 4);
        Files.setLastModifiedTime(b.resolve("history.csv"), FileTime.from(Instant.now().plusSeconds(60))); // the newest: shown first
        Path broken = Files.createDirectories(runs.resolve("broken"));
        Files.writeString(broken.resolve("history.csv"), "epoch,loss\n1,0.5\n2,");
        server = new BoardServer(runs, "127.0.0.1", 0, BoardCommand::explainJson);
        browser.get(server.url());

        waiting(10).until(d -> d.findElements(By.cssSelector("#runs li[data-run]")).size() == 3);
        waiting(10).until(d -> d.findElement(By.cssSelector("li[data-run='broken'] .error")).getText().contains("half-written"));
        waiting(10).until(d -> lossPoints("iris-b") == 4);
        waiting(10).until(d -> { // overlay the second run
            d.findElement(By.cssSelector("li[data-run='iris-a'] input")).click();
            return true;
        });
        waiting(10).until(d -> lossPoints("iris-a") == 6);
        assertThat(lossPoints("iris-b")).isEqualTo(4);
        // Loss, accuracy and the per-layer gradient norms each have a chart, every line with points.
        List<String> charts = new ArrayList<>();
        for (WebElement f : browser.findElements(By.cssSelector("figure.chart"))) charts.add(f.getAttribute("data-chart"));
        assertThat(charts).containsExactly("loss", "accuracy", "grad_norm");
        for (WebElement line : browser.findElements(By.cssSelector("figure.chart polyline"))) {
            assertThat(line.getAttribute("points").split(" ")).as(line.getAttribute("data-key")).hasSizeGreaterThanOrEqualTo(4);
        }
        assertThat(browser.findElements(By.cssSelector("figure[data-chart='loss'] polyline"))).hasSize(4); // loss and val_loss of two runs

        waiting(10).until(d -> {
            d.findElement(By.cssSelector("li[data-run='iris-a'] .name")).click();
            return true;
        });
        waiting(10).until(d -> d.findElements(By.cssSelector("#details-body pre.summary")).size() == 1);
        assertThat(browser.findElement(By.cssSelector("#details-body pre.summary")).getText()).contains("Total params: 17");
        // The graph: the input, then each layer with its output shape and parameters (2-4-1: 12 and 5).
        List<String> nodes = new ArrayList<>();
        for (WebElement g : browser.findElements(By.cssSelector("#details-body svg.graph g[data-node]"))) nodes.add(g.getText().replace("\n", " | "));
        assertThat(nodes).hasSize(3);
        assertThat(nodes.get(0)).contains("input", "shape [None, 2]");
        assertThat(nodes.get(1)).contains("(Dense)", "out [None, 4]", "12 params: kernel [2×4], bias [4]");
        assertThat(nodes.get(2)).contains("(Dense)", "out [None, 1]", "5 params");
        screenshot("runs.png");
    }

    @Test
    void theExplainViewStepsTheNeuronFromItsOutput6To5985AfterTheStep(@TempDir Path runs) throws Exception {
        Runs.withHistory(runs, "a", 2);
        server = new BoardServer(runs, "127.0.0.1", 0, BoardCommand::explainJson);
        browser.get(server.url());
        browser.findElement(By.id("explain-go")).click(); // the neuron is the default
        waiting(20).until(d -> d.findElement(By.id("explain-position")).getText().startsWith("step 1 of "));
        List<String> shown = new ArrayList<>();
        shown.add(browser.findElement(By.id("explain-step")).getText());
        while (browser.findElement(By.id("explain-next")).isEnabled()) {
            browser.findElement(By.id("explain-next")).click();
            shown.add(browser.findElement(By.id("explain-step")).getText());
        }
        assertThat(shown.get(0)).startsWith("Forward pass");
        assertThat(shown).anyMatch(t -> t.startsWith("Forward pass") && t.endsWith("= relu(h3) = 6"));
        assertThat(shown).anyMatch(t -> t.startsWith("Backward pass through relu") && t.contains("rule: "));
        assertThat(shown.get(shown.size() - 1)).contains("w: [-3, -1, 2] - 0.001 * [1, -2, 3] = [-3.001, -0.998, 1.997]", "Output 6 -> 5.985 after the step");
        browser.findElement(By.id("explain-back")).click();
        assertThat(browser.findElement(By.id("explain-position")).getText()).isEqualTo("step " + (shown.size() - 1) + " of " + shown.size());
        js("document.getElementById('explain').scrollIntoView()");
        screenshot("explain.png");
    }

    @Test
    void theLiveChartGainsPointsWhileNablaTrainWritesEpochs(@TempDir Path work) throws Exception {
        Path runs = Files.createDirectories(work.resolve("runs"));
        Path older = Runs.withHistory(runs, "older", 3);
        Files.setLastModifiedTime(older.resolve("history.csv"), FileTime.from(Instant.now().minusSeconds(3600)));
        Path live = Files.createDirectories(runs.resolve("live"));
        Files.writeString(live.resolve("history.csv"), "epoch\n"); // the newest run, which the page shows: no epoch yet
        server = new BoardServer(runs, "127.0.0.1", 0, BoardCommand::explainJson);
        browser.get(server.url());
        waiting(10).until(d -> js("return window.board.seen.live ? window.board.seen.live.length : 0").equals(1L));

        int epochs = 300;
        Process train = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "--add-modules=jdk.incubator.vector",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "train", "--epochs", String.valueOf(epochs), "--batch-size", "4", "--out", live.toString())
                .directory(work.toFile()).redirectErrorStream(true).redirectOutput(work.resolve("train.log").toFile()).start();
        try {
            waiting(180).until(d -> lossPoints("live") == epochs);
            assertThat(train.waitFor()).as(Files.readString(work.resolve("train.log"))).isZero();
        } finally {
            train.destroy();
        }
        @SuppressWarnings("unchecked") List<Long> seen = (List<Long>) js("return window.board.seen.live");
        // Epochs arrived while training went on: counts between none and all, growing, without reloading the page.
        assertThat(seen).as("epochs per live update").anyMatch(n -> n > 0 && n < epochs).isSorted().endsWith((long) epochs);
        screenshot("live.png");
    }
}
