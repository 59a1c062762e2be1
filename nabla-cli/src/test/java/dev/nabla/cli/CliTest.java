package dev.nabla.cli;

import dev.nabla.autograd.Function;
import dev.nabla.nn.Activation;
import dev.nabla.nn.Dense;
import dev.nabla.nn.Layer;
import dev.nabla.nn.Layers;
import dev.nabla.nn.Weight;
import dev.nabla.nn.losses.Losses;
import dev.nabla.optim.Optimizers;
import dev.nabla.tensor.Tensor;
import dev.nabla.train.History;
import dev.nabla.train.ModelFile;
import dev.nabla.train.SavedModel;
import dev.nabla.train.Sequential;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The nabla command end to end: run as a separate process (exit codes, stderr) and in-process for the long flows. */
class CliTest {

    record Run(int exit, String out, String err) {}

    /** Runs {@code nabla args...} as a new JVM on this test's class path. */
    static Run process(Path dir, String... args) throws IOException, InterruptedException {
        return process(dir, List.of(), args);
    }

    /** The same, with options for the JVM (e.g. a small heap). */
    static Run process(Path dir, List<String> jvmOptions, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "--add-modules=jdk.incubator.vector"));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectOutput(dir.resolve("out.txt").toFile())
                .redirectError(dir.resolve("err.txt").toFile()).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("nabla %s finished", String.join(" ", args)).isTrue();
        String err = Files.readString(dir.resolve("err.txt")).replace("WARNING: Using incubator modules: jdk.incubator.vector\n", "");
        return new Run(p.exitValue(), Files.readString(dir.resolve("out.txt")), err);
    }

    static Run inProcess(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int exit = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void datasetsListsTheBuiltInsAndExitsZero(@TempDir Path dir) throws Exception {
        Run r = process(dir, "datasets");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("iris", "xor", "spiral", "salary", "placement", "fashion-mnist");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void aUsageMistakeIsOneLineOnStderrWithExitCode2(@TempDir Path dir) throws Exception {
        Run r = process(dir, "train", "--epochs", "many");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(r.err()).contains("--epochs").contains("many");
    }

    @Test
    void aRuntimeMistakeIsOneLineWithExitCode1AndVerboseShowsTheTrace(@TempDir Path dir) throws Exception {
        Run r = process(dir, "train", "--data", "no-such.csv");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(r.err()).startsWith("nabla: ").contains("no-such.csv");
        Run verbose = process(dir, "train", "--data", "no-such.csv", "--verbose");
        assertThat(verbose.exit()).isEqualTo(1);
        assertThat(verbose.err()).contains("\tat ");
    }

    @Test
    void trainWritesModelHistoryAndPlotsThenTheModelIsUsable(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("run");
        Run train = inProcess("train", "--epochs", "30", "--out", out.toString());
        assertThat(train.exit()).as(train.err()).isZero();
        assertThat(train.out()).contains("Total params: 403", "Epoch 30/30", "test", "accuracy");
        for (String f : new String[] {"model.nabla", "checkpoint.nabla", "history.csv", "loss.png", "accuracy.png", "gradients.png"}) {
            assertThat(out.resolve(f)).exists();
        }
        byte[] png = Files.readAllBytes(out.resolve("loss.png"));
        assertThat(png).startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');
        assertThat(Files.readAllLines(out.resolve("history.csv"))).hasSize(31).first().asString()
                .startsWith("epoch,loss,accuracy").contains("val_loss", "val_accuracy", "grad_norm/dense");

        Run summary = inProcess("summary", out.resolve("model.nabla").toString());
        assertThat(summary.exit()).isZero();
        assertThat(summary.out()).contains("dense_2 (Dense)", "epochs completed: 30");

        Run eval = inProcess("evaluate", out.resolve("model.nabla").toString(), "--data", "iris");
        assertThat(eval.exit()).as(eval.err()).isZero();
        assertThat(eval.out()).contains("test", "accuracy");

        Path flowers = dir.resolve("flowers.csv");
        Files.writeString(flowers, "sepal_length,sepal_width,petal_length,petal_width\n5.1,3.5,1.4,0.2\n6.7,3.0,5.2,2.3\n");
        Path predictions = dir.resolve("predictions.csv");
        Run predict = inProcess("predict", out.resolve("model.nabla").toString(), "--data", flowers.toString(), "--out", predictions.toString());
        assertThat(predict.exit()).as(predict.err()).isZero();
        List<String> rows = Files.readAllLines(predictions);
        assertThat(rows.get(0)).isEqualTo("class,p_setosa,p_versicolor,p_virginica");
        assertThat(rows.get(1)).startsWith("setosa,");
        assertThat(rows.get(2)).startsWith("virginica,");

        Path onnx = dir.resolve("model.onnx");
        Run export = inProcess("export", out.resolve("model.nabla").toString(), "--onnx", onnx.toString());
        assertThat(export.exit()).as(export.err()).isZero();
        assertThat(Files.readAllBytes(onnx)).isNotEmpty();

        Run resumed = inProcess("train", "--resume", out.resolve("checkpoint.nabla").toString(), "--epochs", "35", "--out", out.toString());
        assertThat(resumed.exit()).as(resumed.err()).isZero();
        assertThat(resumed.out()).contains("Epoch 35/35");
        assertThat(Files.readAllLines(out.resolve("history.csv"))).hasSize(36);
    }

    @Test
    void trainRunsThroughSparkWithTheSameOutputs(@TempDir Path dir) {
        Path out = dir.resolve("run");
        Run r = inProcess("train", "--spark-master", "local[2]", "--epochs", "40", "--out", out.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("Spark: master local[2], synchronous", "Epoch 40/40", "SYNCHRONOUS: 2 partitions");
        String test = r.out().lines().filter(l -> l.strip().startsWith("test")).findFirst().orElseThrow();
        assertThat(Double.parseDouble(test.replaceAll(".*accuracy ", ""))).isGreaterThanOrEqualTo(0.9);
        assertThat(out.resolve("model.nabla")).exists();
        assertThat(out.resolve("history.csv")).content().contains("val_accuracy");

        Run averaging = inProcess("train", "--spark-master", "local[2]", "--spark-strategy", "average", "--spark-local-steps", "4",
                "--epochs", "2", "--out", dir.resolve("avg").toString());
        assertThat(averaging.exit()).as(averaging.err()).isZero();
        assertThat(averaging.out()).contains("parameter averaging every 4 local steps", "rounds of 4 step(s)");

        Run wrong = inProcess("train", "--spark-master", "local[2]", "--spark-strategy", "gossip", "--epochs", "1", "--out", dir.resolve("x").toString());
        assertThat(wrong.exit()).isEqualTo(1);
        assertThat(wrong.err()).contains("--spark-strategy: expected sync or average, got 'gossip'");
    }

    @Test
    void trainReadsACsvWithStringLabels(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("points.csv");
        StringBuilder sb = new StringBuilder("x,y,side\n");
        for (int i = 0; i < 60; i++) {
            double x = (i % 10) - 4.5, y = (i / 10) - 2.5;
            sb.append(x).append(',').append(y).append(',').append(x + y > 0 ? "right" : "left").append('\n');
        }
        Files.writeString(csv, sb);
        Run r = inProcess("train", "--data", csv.toString(), "--target", "side", "--layers", "8:tanh", "--epochs", "60",
                "--out", dir.resolve("run").toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("classification");
        String test = r.out().lines().filter(l -> l.strip().startsWith("test")).findFirst().orElseThrow();
        double accuracy = Double.parseDouble(test.replaceAll(".*accuracy ", ""));
        assertThat(accuracy).isGreaterThanOrEqualTo(0.9);
    }

    @Test
    void benchRunsAWorkloadAndPrintsOneLine() {
        Run r = inProcess("bench", "W1", "--runs", "1");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).containsPattern("W1 loop_s=[0-9.]+ job_s=[0-9.]+ loss=[0-9.]+ acc=- rss_mb=");
        assertThat(inProcess("bench", "W9").err()).contains("unknown workload 'W9'");
    }

    @Test
    void badLayersNameTheToken() {
        Run r = inProcess("train", "--layers", "16:relu,foo:relu");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("--layers: token 2 'foo:relu': expected units as an integer");
    }

    @Test
    void gradcheckSaysHowManyElementsItCheckedAndExitsZeroOnlyWhenAllAgree(@TempDir Path dir) {
        Path run = dir.resolve("run");
        assertThat(inProcess("train", "--epochs", "3", "--out", run.toString()).exit()).isZero();
        Run r = inProcess("gradcheck", run.resolve("model.nabla").toString(), "--data", "iris", "--elements", "5");
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).containsPattern("dense/kernel +[0-5] of 5 checked").containsPattern("All gradients agree .*: [0-9]+ of 28 sampled elements checked");
    }

    @Test
    void gradcheckWithNoElementCheckedIsNotAgreementAndExitsNonZero(@TempDir Path dir) throws Exception {
        // A ReLU unit with zero weights and zero targets: every element sits on the kink, so none can be checked.
        Dense unit = Dense.of(1, Activation.RELU);
        Sequential model = new Sequential("model", unit);
        model.compile(Optimizers.sgd(0.1f), Losses.mse());
        model.buildFor(1, 2);
        for (Weight w : model.weights()) java.util.Arrays.fill(w.value().data(), 0f);
        Path file = dir.resolve("kinked.nabla");
        ModelFile.save(file, new SavedModel(model, Map.of("task", "regression", "input", "flat", "target", "y"), new History(), Map.of()));
        Path csv = dir.resolve("zeros.csv");
        Files.writeString(csv, "a,b,y\n1.5,-0.5,0\n-1,2,0\n0.5,1,0\n");
        Run r = inProcess("gradcheck", file.toString(), "--data", csv.toString());
        assertThat(r.exit()).isNotZero();
        assertThat(r.out()).doesNotContain("agree").contains("0 of 2 checked", "no element could be checked");
    }

    @Test
    void aModelFileNamingAnUnknownTaskIsRefusedNamingTheField(@TempDir Path dir) throws Exception {
        Sequential model = new Sequential("model", Dense.of(3));
        model.compile(Optimizers.sgd(0.1), Losses.sparseCategoricalCrossentropy(true));
        model.buildFor(1, 4);
        Path file = dir.resolve("odd.nabla");
        ModelFile.save(file, new SavedModel(model, Map.of("task", "clustering"), new History(), Map.of()));
        Run r = inProcess("predict", file.toString(), "--data", "iris");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("preprocessing.task", "\"clustering\"").doesNotContain("No enum constant");
    }

    /** x^2 with a backward that is off by half: 3x instead of 2x. */
    static final class SquareWithWrongBackward extends Function {
        @Override
        protected Tensor forward(Function.Context ctx, Tensor... in) {
            ctx.save(in[0]);
            return in[0].detach().square();
        }

        @Override
        protected Tensor[] backward(Function.Context ctx, Tensor grad) {
            return new Tensor[] {grad.mul(ctx.saved(0)).mul(3f)};
        }
    }

    /** A user layer (registered, so that its model file loads) whose op has the wrong backward rule. */
    static final class WronglySquared extends Layer {
        WronglySquared(String name) {
            super(name);
        }

        @Override
        protected Tensor forward(Tensor in) {
            return new SquareWithWrongBackward().apply(in);
        }
    }

    @Test
    void gradcheckFindsAUserLayersWrongBackwardAndExitsWith1(@TempDir Path dir) throws Exception {
        Layers.register("WronglySquared", c -> new WronglySquared((String) c.get("name")));
        Sequential model = new Sequential("model", Dense.of(2, Activation.LINEAR), new WronglySquared("wrongly_squared"), Dense.of(1));
        model.seed(4);
        model.compile(Optimizers.sgd(0.1), Losses.mse());
        model.buildFor(1, 2);
        Path file = dir.resolve("wrong.nabla");
        ModelFile.save(file, new SavedModel(model, Map.of("task", "regression", "input", "flat", "target", "y"), new History(), Map.of()));
        Path csv = dir.resolve("rows.csv");
        Files.writeString(csv, "a,b,y\n1.5,-0.5,0.3\n-1,2,1.2\n0.5,1,-0.7\n2,0.25,0.1\n");
        Run r = inProcess("gradcheck", file.toString(), "--data", csv.toString());
        assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(1);
        assertThat(r.out()).contains("parameter(s) disagree").containsPattern("dense(_[0-9]+)?/kernel +[0-9]+ of [0-9]+ checked .*WRONG")
                .doesNotContain("All gradients agree");
    }

    @Test
    void runningOutOfMemoryIsOneLineWithAHintAndExitCode1(@TempDir Path dir) throws Exception {
        // Two layers of 8000 units want 256 MB of weights: more than a 64 MB heap holds.
        Run r = process(dir, List.of("-Xmx64m"), "train", "--layers", "8000:relu,8000:relu", "--epochs", "1", "--out", dir.resolve("run").toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(r.err()).startsWith("nabla: out of memory while running train").contains("JAVA_OPTS=-Xmx", "smaller");
    }

    @Test
    void aStackOverflowIsOneLineWithAHintAndExitCode1() {
        StringWriter err = new StringWriter();
        int exit = Main.fatal(new StackOverflowError(), new String[] {"summary", "deep.nabla"}, new PrintWriter(err, true), false);
        assertThat(exit).isEqualTo(1);
        assertThat(err.toString().strip().lines()).hasSize(1);
        assertThat(err.toString()).startsWith("nabla: stack overflow while running summary").contains("JAVA_OPTS=-Xss");
    }

    @Test
    void trainRefusesToOverwriteAnExistingRunUnlessAskedTo(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        assertThat(inProcess("train", "--epochs", "3", "--out", run.toString()).exit()).isZero();
        byte[] model = Files.readAllBytes(run.resolve("model.nabla")), checkpoint = Files.readAllBytes(run.resolve("checkpoint.nabla"));

        Run again = inProcess("train", "--epochs", "1", "--out", run.toString());
        assertThat(again.exit()).isEqualTo(1);
        assertThat(again.err().strip().lines()).hasSize(1);
        assertThat(again.err()).contains(run.toString(), "--overwrite", "--resume");
        assertThat(Files.readAllBytes(run.resolve("model.nabla"))).isEqualTo(model);
        assertThat(Files.readAllBytes(run.resolve("checkpoint.nabla"))).isEqualTo(checkpoint);

        Run overwritten = inProcess("train", "--epochs", "1", "--out", run.toString(), "--overwrite");
        assertThat(overwritten.exit()).as(overwritten.err()).isZero();
        assertThat(inProcess("summary", run.resolve("model.nabla").toString()).out()).contains("epochs completed: 1");
    }

    /** A small table: three features on different scales and a label depending on all of them. */
    private static List<String[]> table() {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"a", "b", "c", "label"});
        java.util.Random rnd = new java.util.Random(3);
        for (int i = 0; i < 60; i++) {
            double a = rnd.nextGaussian(), b = 10 * rnd.nextGaussian(), c = 100 + rnd.nextGaussian();
            rows.add(new String[] {String.valueOf(a), String.valueOf(b), String.valueOf(c), a + b / 10 - (c - 100) > 0 ? "up" : "down"});
        }
        return rows;
    }

    /** The table with its columns in the given order (indices into the original header). */
    private static Path writeColumns(Path file, List<String[]> rows, int... order) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (String[] row : rows) {
            for (int j = 0; j < order.length; j++) sb.append(j == 0 ? "" : ",").append(row[order[j]]);
            sb.append('\n');
        }
        return Files.writeString(file, sb);
    }

    @Test
    void predictAndEvaluateMatchColumnsByNameAndRefuseAMissingOne(@TempDir Path dir) throws Exception {
        List<String[]> rows = table();
        Path original = writeColumns(dir.resolve("original.csv"), rows, 0, 1, 2, 3);
        Path reordered = writeColumns(dir.resolve("reordered.csv"), rows, 3, 2, 0, 1);
        Path run = dir.resolve("run");
        Run train = inProcess("train", "--data", original.toString(), "--target", "label", "--epochs", "20", "--out", run.toString());
        assertThat(train.exit()).as(train.err()).isZero();
        String model = run.resolve("model.nabla").toString();

        Run straight = inProcess("predict", model, "--data", original.toString());
        Run shuffled = inProcess("predict", model, "--data", reordered.toString());
        assertThat(straight.exit()).as(straight.err()).isZero();
        assertThat(shuffled.exit()).as(shuffled.err()).isZero();
        assertThat(shuffled.out()).isEqualTo(straight.out());

        Run evalStraight = inProcess("evaluate", model, "--data", original.toString());
        Run evalShuffled = inProcess("evaluate", model, "--data", reordered.toString());
        assertThat(evalShuffled.exit()).as(evalShuffled.err()).isZero();
        String metrics = evalStraight.out().lines().filter(l -> l.strip().startsWith("test")).findFirst().orElseThrow();
        assertThat(evalShuffled.out()).contains(metrics);

        Path missing = writeColumns(dir.resolve("missing.csv"), rows, 0, 2, 3);
        for (String command : new String[] {"predict", "evaluate"}) {
            Run r = inProcess(command, model, "--data", missing.toString());
            assertThat(r.exit()).as(command).isEqualTo(1);
            assertThat(r.err().strip().lines()).hasSize(1);
            assertThat(r.err()).contains("missing.csv", "'b'");
        }

        Path extra = writeColumns(dir.resolve("extra.csv"), rows, 1, 0, 2, 2, 3);
        Files.writeString(extra, Files.readString(extra).replaceFirst("c,c", "c,c_copy"));
        Run withExtra = inProcess("predict", model, "--data", extra.toString());
        assertThat(withExtra.exit()).as(withExtra.err()).isZero();
        assertThat(withExtra.out()).isEqualTo(straight.out());
        assertThat(withExtra.err()).contains("c_copy");
    }

    @Test
    void trainingThatDivergesBehindASoftmaxOutputStopsWithOneLineAndExitCode1(@TempDir Path dir) {
        Run r = inProcess("train", "--lr", "1e6", "--out", dir.resolve("run").toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(r.err()).startsWith("nabla: training diverged at epoch 1, step ").contains("no gradient", "lower learning rate");
        assertThat(r.out()).doesNotContain("higher learning rate", "Final metrics");
    }

    private static List<float[]> weights(Path modelFile) {
        List<float[]> w = new ArrayList<>();
        for (dev.nabla.tensor.Tensor t : ModelFile.load(modelFile).model().getWeights()) w.add(t.data());
        return w;
    }

    @Test
    void resumeReusesTheRunsSeedAndSplitAndRefusesConflictingOnes(@TempDir Path dir) throws Exception {
        Path csv = writeColumns(dir.resolve("table.csv"), table(), 0, 1, 2, 3);
        Path straight = dir.resolve("straight"), interrupted = dir.resolve("interrupted");
        String[] common = {"--data", csv.toString(), "--target", "label", "--seed", "7", "--validation-split", "0.25"};
        Run full = inProcess(concat(common, "--epochs", "4", "--out", straight.toString()));
        assertThat(full.exit()).as(full.err()).isZero();
        assertThat(inProcess(concat(common, "--epochs", "2", "--out", interrupted.toString())).exit()).isZero();
        String checkpoint = interrupted.resolve("checkpoint.nabla").toString();

        Run wrongSeed = inProcess("train", "--resume", checkpoint, "--epochs", "4", "--seed", "8", "--out", interrupted.toString());
        assertThat(wrongSeed.exit()).isEqualTo(1);
        assertThat(wrongSeed.err()).contains("--seed", "7", "8");
        Run wrongSplit = inProcess("train", "--resume", checkpoint, "--epochs", "4", "--validation-split", "0.1", "--out", interrupted.toString());
        assertThat(wrongSplit.exit()).isEqualTo(1);
        assertThat(wrongSplit.err()).contains("--validation-split", "0.25", "0.1");

        // No --data, --seed or --validation-split: the checkpoint's are used, so the rows split as in the first run.
        Run resumed = inProcess("train", "--resume", checkpoint, "--epochs", "4", "--out", interrupted.toString());
        assertThat(resumed.exit()).as(resumed.err()).isZero();
        assertThat(resumed.out()).contains("seed 7", "validation 25%");
        List<float[]> a = weights(straight.resolve("model.nabla")), b = weights(interrupted.resolve("model.nabla"));
        assertThat(b).hasSameSizeAs(a);
        for (int i = 0; i < a.size(); i++) assertThat(b.get(i)).as("weight %d", i).containsExactly(a.get(i));
    }

    private static String[] concat(String[] options, String... more) {
        List<String> all = new ArrayList<>(List.of("train"));
        all.addAll(List.of(options));
        all.addAll(List.of(more));
        return all.toArray(new String[0]);
    }

    @Test
    void evaluateTestsOnTheRowsTheModelWasTestedOnWithoutBeingToldItsSeed(@TempDir Path dir) throws Exception {
        Path csv = writeColumns(dir.resolve("table.csv"), table(), 0, 1, 2, 3);
        Run train = inProcess("train", "--data", csv.toString(), "--target", "label", "--seed", "7", "--epochs", "3", "--out", dir.resolve("run").toString());
        assertThat(train.exit()).as(train.err()).isZero();
        String testLine = train.out().lines().filter(l -> l.strip().startsWith("test")).findFirst().orElseThrow();
        Run eval = inProcess("evaluate", dir.resolve("run").resolve("model.nabla").toString(), "--data", csv.toString());
        assertThat(eval.exit()).as(eval.err()).isZero();
        assertThat(eval.out()).contains(testLine);
    }
}
