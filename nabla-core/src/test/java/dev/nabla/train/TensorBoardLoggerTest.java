package dev.nabla.train;

import dev.nabla.data.Dataset;
import dev.nabla.data.Datasets;
import dev.nabla.io.TfRecords;
import dev.nabla.nn.Activation;
import dev.nabla.nn.Dense;
import dev.nabla.nn.Layer;
import dev.nabla.nn.losses.Losses;
import dev.nabla.optim.Optimizers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The logger's histograms and file layout; {@link PythonTensorBoardTest} reads the files with TensorBoard itself. */
class TensorBoardLoggerTest {

    @Test
    void aHistogramCountsEachFiniteValueInItsEqualWidthBucketUpToTheMaximum() {
        TensorBoardLogger.Histogram h = TensorBoardLogger.Histogram.of(new float[] {0, 0.5f, 1, 3, Float.NaN, Float.POSITIVE_INFINITY}, 4);
        assertThat(h.min()).isEqualTo(0);
        assertThat(h.max()).isEqualTo(3);
        assertThat(h.num()).isEqualTo(4);
        assertThat(h.sum()).isEqualTo(4.5);
        assertThat(h.sumSquares()).isEqualTo(10.25);
        assertThat(h.limits()).containsExactly(0.75, 1.5, 2.25, 3.0);
        assertThat(h.counts()).containsExactly(2, 1, 0, 1);
    }

    @Test
    void equalValuesMakeOneBucketAndNoFiniteValueNoHistogram() {
        TensorBoardLogger.Histogram h = TensorBoardLogger.Histogram.of(new float[] {2, 2, 2}, 30);
        assertThat(h.limits()).containsExactly(2.0);
        assertThat(h.counts()).containsExactly(3.0);
        assertThat(TensorBoardLogger.Histogram.of(new float[] {Float.NaN}, 30)).isNull();
        assertThat(TensorBoardLogger.Histogram.of(new float[0], 30)).isNull();
    }

    @Test
    void theEventFileStartsWithTheVersionThenAppendsOneEventPerEpochAndASecondRunGetsItsOwnFile(@TempDir Path dir) throws Exception {
        Dataset iris = Datasets.irisTrain();
        Layer.resetNames(); // the layers are dense and dense_1
        Sequential model = Sequential.of(Dense.of(4, Activation.RELU), Dense.of(3));
        model.seed(1);
        model.compile(Optimizers.adam(0.01f), Losses.sparseCategoricalCrossentropy(true));
        TensorBoardLogger first = new TensorBoardLogger(dir.resolve("tb"));
        model.fit(iris.x(), iris.y(), FitOptions.epochs(2).batchSize(64).callbacks(first));

        assertThat(first.file().getParent()).isEqualTo(dir.resolve("tb"));
        assertThat(first.file().getFileName().toString()).matches("events\\.out\\.tfevents\\.\\d{10}\\.[A-Za-z0-9._-]+");
        List<byte[]> records = TfRecords.read(Files.readAllBytes(first.file()), first.file().toString());
        assertThat(records).hasSize(3);
        assertThat(text(records.get(0))).contains(TensorBoardLogger.FILE_VERSION);
        for (byte[] epoch : records.subList(1, 3)) {
            assertThat(text(epoch)).contains("loss", "learning_rate", "weights/dense/kernel", "gradients/dense_1/bias");
        }

        TensorBoardLogger second = new TensorBoardLogger(dir.resolve("tb"));
        model.fit(iris.x(), iris.y(), FitOptions.epochs(3).initialEpoch(2).batchSize(64).callbacks(second));
        assertThat(second.file()).isNotEqualTo(first.file());
        assertThat(TfRecords.read(Files.readAllBytes(second.file()), "second")).hasSize(2);
        assertThat(TfRecords.read(Files.readAllBytes(first.file()), "first")).hasSize(3);
    }

    private static String text(byte[] record) {
        return new String(record, StandardCharsets.ISO_8859_1);
    }
}
