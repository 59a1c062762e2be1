package dev.nabla.data;

import dev.nabla.nn.Activation;
import dev.nabla.nn.Dense;
import dev.nabla.nn.Layer;
import dev.nabla.nn.losses.Losses;
import dev.nabla.optim.Optimizers;
import dev.nabla.tensor.Tensor;
import dev.nabla.train.Callback;
import dev.nabla.train.FitOptions;
import dev.nabla.train.History;
import dev.nabla.train.Sequential;
import dev.nabla.train.metrics.Metrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StreamingTest {

    @Test
    void datasetBatchesAreSeededPerEpochAndCoverEveryRowOnce() {
        Dataset d = new Dataset(Tensor.arange(10).reshape(10, 1), Tensor.arange(10));
        BatchSource s = d.batches(4, true, 7);
        List<Float> seen = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        for (Iterator<Batch> it = s.batches(0); it.hasNext(); ) {
            Batch b = it.next();
            sizes.add(b.size());
            for (float v : b.y().data()) seen.add(v);
        }
        assertThat(sizes).containsExactly(4, 4, 2);
        assertThat(seen).containsExactlyInAnyOrder(0f, 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f);
        assertThat(s.batches(0).next().y().data()).containsExactly(d.batches(4, true, 7).batches(0).next().y().data());
        assertThat(s.batches(1).next().y().data()).isNotEqualTo(s.batches(0).next().y().data());
        assertThat(d.batches(-1, false, 0).batches(0).next().size()).isEqualTo(10);
    }

    @Test
    void csvStreamsBatchByBatchAndTrainsLikeInMemoryData(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("iris-stream.csv");
        StringBuilder sb = new StringBuilder("a,b,c,d,species\n");
        Dataset iris = Datasets.irisTrain();
        for (int i = 0; i < iris.size(); i++) {
            for (int j = 0; j < 4; j++) sb.append(iris.x().get(i, j)).append(',');
            sb.append(iris.classNames().get((int) iris.y().get(i))).append('\n');
        }
        Files.writeString(csv, sb);
        BatchSource stream = CsvReader.withHeader().target("species").stream(csv, 32, iris.classNames());
        int rows = 0;
        for (Iterator<Batch> it = stream.batches(0); it.hasNext(); ) rows += it.next().size();
        assertThat(rows).isEqualTo(120);

        History fromStream = model().fit(stream, FitOptions.epochs(3));
        History fromMemory = model().fit(iris.x(), iris.y(), FitOptions.epochs(3).batchSize(32).shuffle(false));
        assertThat(fromStream.get("loss")).containsExactlyElementsOf(fromMemory.get("loss"));
        assertThat(fromStream.get("accuracy")).containsExactlyElementsOf(fromMemory.get("accuracy"));
    }

    private static Sequential model() {
        Layer.resetNames();
        Sequential m = Sequential.of(Dense.of(8, Activation.RELU), Dense.of(3, Activation.SOFTMAX));
        m.seed(1);
        m.compile(Optimizers.adam(0.01f), Losses.sparseCategoricalCrossentropy(false), Metrics.accuracy());
        return m;
    }

    @Test
    void streamErrorsNameFileAndLine(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("bad.csv");
        Files.writeString(csv, "x,label\n1,cat\n2,dog\n3,bird\n4\n");
        BatchSource s = CsvReader.withHeader().stream(csv, 2, List.of("cat", "dog"));
        Iterator<Batch> it = s.batches(0);
        assertThat(it.next().y().data()).containsExactly(0, 1);
        assertThatThrownBy(it::next).hasMessage("bad.csv line 4: label 'bird' is not one of [cat, dog]");
        Path ragged = dir.resolve("ragged.csv");
        Files.writeString(ragged, "x,y\n1,2\n3\n");
        assertThatThrownBy(() -> CsvReader.withHeader().stream(ragged, 5, null).batches(0).next()).hasMessage("ragged.csv line 3: expected 2 fields, got 1");
    }

    /** The readers a stream opened, one per pass, each knowing whether it was closed. */
    private static final class Opened {
        final List<Boolean> closed = new ArrayList<>();

        BatchSource stream(String csv, int batchSize, List<String> classNames) {
            return CsvReader.withHeader().stream(() -> {
                int i = closed.size();
                closed.add(false);
                return new BufferedReader(new StringReader(csv)) {
                    @Override
                    public void close() {
                        closed.set(i, true);
                    }
                };
            }, "s.csv", batchSize, classNames);
        }
    }

    private static final String CSV = "x,label\n1,cat\n2,dog\n3,cat\n4,dog\n5,cat\n";

    @Test
    void streamPassClosesItsFileWhenLeftEarlyOrWhenItCannotStart() {
        Opened opened = new Opened();
        try (BatchIterator it = opened.stream(CSV, 2, List.of("cat", "dog")).batches(0)) {
            assertThat(it.next().size()).isEqualTo(2);
        }
        assertThat(opened.closed).containsExactly(true);
        Opened noTarget = new Opened();
        BatchSource s = CsvReader.withHeader().target("y").stream(() -> {
            noTarget.closed.add(false);
            return new BufferedReader(new StringReader(CSV)) {
                @Override
                public void close() {
                    noTarget.closed.set(0, true);
                }
            };
        }, "s.csv", 2, null);
        assertThatThrownBy(() -> s.batches(0)).hasMessageContaining("s.csv: no target column 'y'");
        assertThat(noTarget.closed).containsExactly(true);
    }

    @Test
    void fitClosesThePassItPeeksAtAndEveryEpochsPass() {
        Opened opened = new Opened();
        model1().fit(opened.stream(CSV, 2, List.of("cat", "dog")), FitOptions.epochs(2));
        assertThat(opened.closed).hasSize(3).containsOnly(true); // the peek for the input shape, then two epochs
    }

    @Test
    void fitClosesThePassWhenACallbackThrowsMidEpoch() {
        Opened opened = new Opened();
        Callback failing = new Callback() {
            @Override
            public void onBatchEnd(int step, double loss) {
                throw new IllegalStateException("stop here");
            }
        };
        assertThatThrownBy(() -> model1().fit(opened.stream(CSV, 2, List.of("cat", "dog")), FitOptions.epochs(2).callbacks(failing)))
                .hasMessage("stop here");
        assertThat(opened.closed).hasSize(2).containsOnly(true);
    }

    @Test
    void fitClosesThePassWhenABadRowEndsAnEpoch() {
        Opened opened = new Opened();
        assertThatThrownBy(() -> model1().fit(opened.stream(CSV + "6,bird\n", 2, List.of("cat", "dog")), FitOptions.epochs(2)))
                .hasMessage("s.csv line 7: label 'bird' is not one of [cat, dog]");
        assertThat(opened.closed).hasSize(2).containsOnly(true);
    }

    private static Sequential model1() {
        Layer.resetNames();
        Sequential m = Sequential.of(Dense.of(2, Activation.SOFTMAX));
        m.seed(1);
        m.compile(Optimizers.sgd(0.1f), Losses.sparseCategoricalCrossentropy(false));
        return m;
    }
}
