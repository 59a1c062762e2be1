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
import org.openqa.selenium.support.ui.Select;
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
        Files.writeString(broken.resolve("model.nabla"), "PK half a zip");
        server = new BoardServer(runs, "127.0.0.1", 0, BoardCommand::explainJson);
        browser.get(server.url());

        waiting(10).until(d -> d.findElements(By.cssSelector("#runs li[data-run]")).size() == 3);
        waiting(10).until(d -> d.findElement(By.cssSelector("li[data-run='broken'] .error")).getText().contains("half-written"));
        waiting(10).until(d -> lossPoints("iris-b") == 4);
        waiting(10).until(d -> { // the broken run's model: its error, in the details alone
            d.findElement(By.cssSelector("li[data-run='broken'] .name")).click();
            return true;
        });
        waiting(10).until(d -> d.findElement(By.cssSelector("#details-body .error")).getText().startsWith("broken/model.nabla: "));
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

    @Test
    void theGraphOfAModelWithTwoInputsAndAResidualAddDrawsEveryEdge(@TempDir Path runs) throws Exception {
        Runs.withGraphModel(runs, "graph");
        server = new BoardServer(runs, "127.0.0.1", 0, BoardCommand::explainJson);
        browser.get(server.url());
        waiting(10).until(d -> {
            d.findElement(By.cssSelector("li[data-run='graph'] .name")).click();
            return true;
        });
        waiting(10).until(d -> d.findElements(By.cssSelector("#details-body svg.graph g[data-node]")).size() == 9);
        List<String> edges = new ArrayList<>();
        for (WebElement e : browser.findElements(By.cssSelector("#details-body svg.graph path.edge"))) {
            edges.add(e.getAttribute("data-from") + "->" + e.getAttribute("data-to"));
            assertThat(e.getAttribute("d")).startsWith("M");
        }
        assertThat(edges).containsExactlyInAnyOrder("a->h", "h->skip", "h->r", "skip->r", "b->side", "r->c", "side->c", "h->aux", "c->main");
        assertThat(browser.findElement(By.cssSelector("g[data-node='r']")).getText()).contains("r (Add)", "out [None, 4]");
        assertThat(browser.findElement(By.cssSelector("g[data-node='main']")).getText()).contains("output main");
        // The residual h -> r skips the row of skip: its arrow runs down a lane right of every box.
        Number[] boxes = {(Number) js("return document.querySelector(\"g[data-node='h'] rect\").getBBox().y"),
                (Number) js("return document.querySelector(\"g[data-node='r'] rect\").getBBox().y")};
        assertThat(boxes[1].doubleValue()).isGreaterThan(boxes[0].doubleValue() + 100); // two rows apart
        js("document.getElementById('details').scrollIntoView()");
        screenshot("graph-residual.png");
    }

    private String pgStatus(String attribute) {
        return browser.findElement(By.id("pg-status")).getAttribute("data-" + attribute);
    }

    /** The network's probability at (x, y) as the page holds it: the heat map grid cell over that point. */
    private double pgProbability(double x, double y) {
        return ((Number) js("const s = window.board.playground.state, [x0, x1, y0, y1] = s.bounds, n = s.grid.size;"
                + " const c = Math.floor((" + x + " - x0) / (x1 - x0) * n), r = Math.floor((y1 - " + y + ") / (y1 - y0) * n);"
                + " return s.grid.values[r * n + c];")).doubleValue();
    }

    @Test
    void thePlaygroundTrainsXorToABoundaryThatSeparatesEveryPoint(@TempDir Path runs) throws Exception {
        server = new BoardServer(runs, "127.0.0.1", 0, BoardCommand::explainJson);
        browser.get(server.url());
        waiting(20).until(d -> "ready".equals(pgStatus("state")));
        new Select(browser.findElement(By.id("pg-dataset"))).selectByValue("moons");
        waiting(20).until(d -> "moons".equals(js("return window.board.playground.state.dataset")) && "ready".equals(pgStatus("state")));
        new Select(browser.findElement(By.id("pg-dataset"))).selectByValue("xor");
        waiting(20).until(d -> "xor".equals(js("return window.board.playground.state.dataset")) && "ready".equals(pgStatus("state")));
        double untrained = Double.parseDouble(pgStatus("accuracy"));
        assertThat(untrained).as("the untrained network's accuracy").isLessThan(1.0);

        // Train until every point is right, then pause; a step already under way when the click lands can move a point
        // near the boundary back (Adam at 0.03 oscillates a little), so train on and pause again then.
        int attempts = 0;
        do {
            browser.findElement(By.id("pg-train")).click();
            waiting(90).until(d -> "1".equals(pgStatus("accuracy")));
            browser.findElement(By.id("pg-train")).click(); // pause
            waiting(10).until(d -> "paused".equals(pgStatus("state")));
        } while (!"1".equals(pgStatus("accuracy")) && ++attempts < 5);
        assertThat(pgStatus("accuracy")).as("accuracy once paused").isEqualTo("1");
        assertThat(Integer.parseInt(pgStatus("step"))).isPositive();
        // The boundary separates the quadrants: class 1 where x*y > 0 (top right, bottom left).
        assertThat(pgProbability(0.55, 0.55)).isGreaterThan(0.5);
        assertThat(pgProbability(-0.55, -0.55)).isGreaterThan(0.5);
        assertThat(pgProbability(-0.55, 0.55)).isLessThan(0.5);
        assertThat(pgProbability(0.55, -0.55)).isLessThan(0.5);
        // And the canvas shows it: a good part blue (class 1), a good part orange (class 0).
        @SuppressWarnings("unchecked") List<Long> colours = (List<Long>) js("const c = document.getElementById('pg-canvas'), d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
                + " let blue = 0, orange = 0; for (let i = 0; i < d.length; i += 4) { if (d[i + 2] > d[i] + 40) blue++; else if (d[i] > d[i + 2] + 40) orange++; }"
                + " return [blue, orange, d.length / 4];");
        assertThat(colours.get(0)).as("blue pixels").isGreaterThan(colours.get(2) / 5);
        assertThat(colours.get(1)).as("orange pixels").isGreaterThan(colours.get(2) / 5);
        assertThat(browser.findElements(By.cssSelector("#pg-charts figure.chart polyline"))).hasSize(4); // the loss, 3 layers' gradient norms
        assertThat(browser.findElement(By.id("pg-status")).getText()).contains("accuracy 100.0%", "paused");
        js("document.getElementById('playground').scrollIntoView()");
        screenshot("playground-xor.png");

        int paused = Integer.parseInt(pgStatus("step"));
        browser.findElement(By.id("pg-step")).click();
        waiting(10).until(d -> pgStatus("step").equals(String.valueOf(paused + 1)));
        Thread.sleep(300);
        assertThat(pgStatus("step")).as("paused: no more steps").isEqualTo(String.valueOf(paused + 1));

        // Reset with the seed: the same start, and the same first step, twice.
        List<String> firstLosses = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            browser.findElement(By.id("pg-reset")).click();
            waiting(10).until(d -> "0".equals(pgStatus("step")));
            assertThat(Double.parseDouble(pgStatus("accuracy"))).isEqualTo(untrained);
            browser.findElement(By.id("pg-step")).click();
            waiting(10).until(d -> "1".equals(pgStatus("step")));
            firstLosses.add(pgStatus("loss"));
        }
        assertThat(firstLosses.get(0)).isNotEmpty().isEqualTo(firstLosses.get(1));
    }

    @Test
    void thePlaygroundNamesTheFieldOutOfBoundsAndTheCsvLineThatIsWrong(@TempDir Path runs) throws Exception {
        server = new BoardServer(runs, "127.0.0.1", 0, BoardCommand::explainJson);
        browser.get(server.url());
        waiting(20).until(d -> "ready".equals(pgStatus("state")));
        WebElement layers = browser.findElement(By.id("pg-layers"));
        layers.clear();
        layers.sendKeys("8,80\t"); // tab away: the change starts again
        waiting(10).until(d -> d.findElement(By.id("pg-error")).getText().equals("layers[1]: a hidden layer has 1 to 64 units, got 80"));
        assertThat(pgStatus("state")).isEqualTo("error");
        layers.clear();
        layers.sendKeys("4\t");
        waiting(10).until(d -> "ready".equals(pgStatus("state")) && d.findElement(By.id("pg-error")).getText().isEmpty());

        Path csv = runs.resolve("mine.csv");
        Files.writeString(csv, "x,y,label\n0,0,0\n1,1,one\n");
        browser.findElement(By.id("pg-file")).sendKeys(csv.toAbsolutePath().toString());
        waiting(10).until(d -> d.findElement(By.id("pg-error")).getText().equals("csv line 3: label 'one' is not a finite number"));
        Path good = runs.resolve("fixed.csv");
        Files.writeString(good, "x,y,label\n0,0,0\n10,10,1\n0,10,1\n10,0,0\n");
        browser.findElement(By.id("pg-file")).sendKeys(good.toAbsolutePath().toString());
        waiting(10).until(d -> "ready".equals(pgStatus("state")));
        assertThat(js("return window.board.playground.points")).asString().isEqualTo("[[0, 0, 0], [10, 10, 1], [0, 10, 1], [10, 0, 0]]");
    }
}
