package dev.nabla.train;

import dev.nabla.data.Dataset;
import dev.nabla.data.Datasets;
import dev.nabla.io.Json;
import dev.nabla.nn.Activation;
import dev.nabla.nn.BatchNormalization;
import dev.nabla.nn.Dense;
import dev.nabla.nn.Layer;
import dev.nabla.nn.Weight;
import dev.nabla.nn.losses.Losses;
import dev.nabla.optim.Optimizers;
import dev.nabla.optim.Schedules;
import dev.nabla.train.metrics.Metrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * TensorBoard's own event reader (the {@code tensorboard} package's EventAccumulator, which checks every record's
 * CRCs) reads a TensorBoardLogger's file back: the same scalars as history.csv, the learning rate of each epoch,
 * and a weight and a gradient histogram of every parameter with one count per value. The interpreter is
 * {@code $NABLA_PYTHON} (CI points it at a virtual environment with tensorboard), else {@code python3}.
 */
class PythonTensorBoardTest {

    /** Prints {"version", "scalars": {tag: [[step, value]]}, "histograms": {tag: [[step, num, min, max, bucket total, buckets]]}}. */
    private static final String READER = String.join("\n",
            "import json, sys",
            "from tensorboard.backend.event_processing.event_accumulator import EventAccumulator",
            "acc = EventAccumulator(sys.argv[1], size_guidance={'scalars': 0, 'histograms': 0})",
            "acc.Reload()",
            "tags = acc.Tags()",
            "out = {'version': acc.file_version, 'scalars': {}, 'histograms': {}}",
            "for t in tags['scalars']:",
            "    out['scalars'][t] = [[e.step, e.value] for e in acc.Scalars(t)]",
            "for t in tags['histograms']:",
            "    out['histograms'][t] = [[e.step, h.num, h.min, h.max, sum(h.bucket), len(h.bucket)]",
            "                            for e in acc.Histograms(t) for h in [e.histogram_value]]",
            "print(json.dumps(out))");

    @Test
    void tensorboardsReaderSeesHistoryCsvsScalarsTheLearningRateAndEveryParametersHistograms(@TempDir Path dir) throws Exception {
        Dataset iris = Datasets.irisTrain();
        Layer.resetNames(); // the layers are dense, batch_normalization and dense_1
        Sequential model = Sequential.of(Dense.of(8, Activation.RELU), new BatchNormalization(), Dense.of(3));
        model.seed(5);
        // 96 training rows in batches of 32: 3 steps per epoch, so the rate halves from one epoch to the next.
        model.compile(Optimizers.sgd(Schedules.exponential(0.1, 3, 0.5), 0.9, false, 0), Losses.sparseCategoricalCrossentropy(true), Metrics.accuracy());
        Path tb = dir.resolve("tb"), csv = dir.resolve("history.csv");
        TensorBoardLogger logger = new TensorBoardLogger(tb);
        int epochs = 3;
        model.fit(iris.x(), iris.y(), FitOptions.epochs(epochs).batchSize(32).validationSplit(0.2).seed(3)
                .callbacks(new GradientDiagnostics(w -> {}), logger, new CsvLogger(csv)));

        Map<String, Object> read = runPython(logger.file());

        assertThat(read.get("version")).as("the version TensorBoard parsed from brain.Event:2").isEqualTo(2.0);
        Map<String, Object> scalars = asMap(read.get("scalars"));
        Map<String, List<Double>> history = readCsv(csv);
        assertThat(history.keySet()).contains("loss", "accuracy", "val_loss", "val_accuracy", "grad_norm/dense", "update_ratio/dense_1");
        Set<String> expectedTags = new LinkedHashSet<>(history.keySet());
        expectedTags.add("learning_rate");
        assertThat(scalars.keySet()).containsExactlyInAnyOrderElementsOf(expectedTags);
        for (Map.Entry<String, List<Double>> column : history.entrySet()) {
            List<?> points = (List<?>) scalars.get(column.getKey());
            assertThat(points).as(column.getKey()).hasSize(epochs);
            for (int e = 0; e < epochs; e++) {
                List<?> p = (List<?>) points.get(e);
                assertThat(((Number) p.get(0)).intValue()).as(column.getKey() + " step").isEqualTo(e + 1);
                // simple_value is a float32, read back exactly; history.csv holds the double it came from.
                assertThat(((Number) p.get(1)).doubleValue()).as(column.getKey() + " epoch " + (e + 1))
                        .isEqualTo((double) (float) (double) column.getValue().get(e));
            }
        }
        List<?> rates = (List<?>) scalars.get("learning_rate");
        for (int e = 0; e < epochs; e++) {
            assertThat(((Number) ((List<?>) rates.get(e)).get(1)).doubleValue()).as("learning_rate epoch " + (e + 1))
                    .isEqualTo((double) (float) (0.1f * Math.pow(0.5f, e)));
        }

        Map<String, Object> histograms = asMap(read.get("histograms"));
        Set<String> expectedHistograms = new LinkedHashSet<>();
        for (Weight w : model.weights()) {
            expectedHistograms.add("weights/" + w.name());
            if (w.trainable()) expectedHistograms.add("gradients/" + w.name());
        }
        assertThat(expectedHistograms).contains("weights/dense/kernel", "gradients/dense/kernel", "weights/batch_normalization/moving_mean")
                .doesNotContain("gradients/batch_normalization/moving_mean");
        assertThat(histograms.keySet()).containsExactlyInAnyOrderElementsOf(expectedHistograms);
        for (Weight w : model.weights()) {
            List<?> series = (List<?>) histograms.get("weights/" + w.name());
            assertThat(series).as(w.name()).hasSize(epochs);
            for (int e = 0; e < epochs; e++) {
                List<?> h = (List<?>) series.get(e);
                assertThat(((Number) h.get(0)).intValue()).isEqualTo(e + 1);
                assertThat(((Number) h.get(1)).intValue()).as(w.name() + " num").isEqualTo(w.value().size());
                assertThat(((Number) h.get(4)).intValue()).as(w.name() + " bucket counts").isEqualTo(w.value().size());
            }
            List<?> last = (List<?>) series.get(epochs - 1);
            float[] v = w.value().data();
            assertThat(((Number) last.get(2)).doubleValue()).as(w.name() + " min").isEqualTo(min(v));
            assertThat(((Number) last.get(3)).doubleValue()).as(w.name() + " max").isEqualTo(max(v));
            if (w.trainable()) {
                List<?> g = (List<?>) ((List<?>) histograms.get("gradients/" + w.name())).get(epochs - 1);
                assertThat(((Number) g.get(1)).intValue()).as(w.name() + " gradient num").isEqualTo(w.value().size());
                assertThat(((Number) g.get(2)).doubleValue()).as(w.name() + " gradient min").isEqualTo(min(w.value().grad().data()));
            }
        }
    }

    private static double min(float[] v) {
        double m = Double.POSITIVE_INFINITY;
        for (float x : v) m = Math.min(m, x);
        return m;
    }

    private static double max(float[] v) {
        double m = Double.NEGATIVE_INFINITY;
        for (float x : v) m = Math.max(m, x);
        return m;
    }

    /** history.csv's columns (the epoch column left out) by name. */
    private static Map<String, List<Double>> readCsv(Path csv) throws IOException {
        List<String> lines = Files.readAllLines(csv);
        String[] header = lines.get(0).split(",");
        Map<String, List<Double>> columns = new java.util.LinkedHashMap<>();
        for (int c = 1; c < header.length; c++) columns.put(header[c], new ArrayList<>());
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",");
            for (int c = 1; c < header.length; c++) columns.get(header[c]).add(Double.parseDouble(cells[c]));
        }
        return columns;
    }

    private static Map<String, Object> runPython(Path eventFile) throws IOException, InterruptedException {
        String python = System.getenv().getOrDefault("NABLA_PYTHON", "python3");
        Path errors = Files.createTempFile("tensorboard-reader", ".txt");
        Process p;
        try {
            p = new ProcessBuilder(python, "-c", READER, eventFile.toString()).redirectError(errors.toFile()).start();
        } catch (IOException e) {
            assumeTrue(false, python + " cannot be started (set NABLA_PYTHON to an interpreter with tensorboard)");
            throw e;
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        p.waitFor();
        String err = Files.readString(errors);
        Files.delete(errors);
        assumeTrue(!err.contains("No module named"), python + " lacks tensorboard: " + err.strip());
        assertThat(p.exitValue()).as(err).isZero();
        return Json.parseObject(out);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object o) {
        assertThat(o).isInstanceOf(Map.class);
        return (Map<String, Object>) o;
    }
}
