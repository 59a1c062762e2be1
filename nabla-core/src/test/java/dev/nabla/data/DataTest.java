package dev.nabla.data;

import dev.nabla.tensor.Tensor;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class DataTest {

    @Test
    void irisHas150RowsThreeClassesAndTheBenchmarkSplit() {
        Dataset iris = Datasets.iris();
        assertThat(iris.x().shape()).containsExactly(150, 4);
        assertThat(iris.classNames()).containsExactly("setosa", "versicolor", "virginica");
        int[] counts = new int[3];
        for (float c : iris.y().data()) counts[(int) c]++;
        assertThat(counts).containsExactly(50, 50, 50);
        Dataset train = Datasets.irisTrain(), test = Datasets.irisTest();
        assertThat(train.size()).isEqualTo(120);
        assertThat(test.size()).isEqualTo(30);
        // First rows of the shared benchmark split files.
        assertThat(train.x().data()).startsWith(4.6f, 3.6f, 1.0f, 0.2f);
        assertThat(train.y().get(0)).isEqualTo(0f);
        assertThat(test.x().data()).startsWith(6.1f, 2.8f, 4.7f, 1.2f);
        assertThat(test.y().get(0)).isEqualTo(1f);
    }

    /**
     * A batch the consumer is done with lends its arrays to the next batch of the same size, which is written whole:
     * the rows are those of a pass that reuses nothing; the smaller last batch and a batch not handed back get new
     * arrays.
     */
    @Test
    void batchesReuseTheArraysOfABatchTheConsumerIsDoneWith() {
        int n = 10, width = 3;
        float[] xs = new float[n * width], ys = new float[n];
        for (int i = 0; i < xs.length; i++) xs[i] = i * 0.5f - 3;
        for (int i = 0; i < n; i++) ys[i] = i % 4;
        Dataset d = new Dataset(Tensor.of(xs, n, width), Tensor.of(ys, n));
        BatchSource source = d.batches(4, true, 11);
        try (BatchIterator fresh = source.batches(2); BatchIterator reusing = source.batches(2)) {
            Batch a = reusing.next();
            float[] ax = a.x().data(), ay = a.y().data();
            assertThat(a.x().data()).containsExactly(fresh.next().x().data());
            reusing.done(a);
            Batch b = reusing.next(), expected = fresh.next();
            assertThat(b.x().data()).isSameAs(ax).containsExactly(expected.x().data());
            assertThat(b.y().data()).isSameAs(ay).containsExactly(expected.y().data());
            // not handed back: the last batch (2 rows) gets its own arrays
            Batch last = reusing.next();
            assertThat(last.x().data()).isNotSameAs(ax).containsExactly(fresh.next().x().data());
        }
    }

    @Test
    void tutorialTablesAndSpirals() {
        assertThat(Datasets.xor().y().data()).containsExactly(0, 1, 1, 0);
        assertThat(Datasets.salary().x().data()).containsExactly(8, 8, 7, 9, 6, 10, 5, 12);
        assertThat(Datasets.placement().y().data()).containsExactly(1, 1, 0, 0);
        Dataset nnfs = Datasets.spiralNnfs();
        assertThat(nnfs.x().shape()).containsExactly(300, 2);
        Dataset a = Datasets.spiral(50, 3, 7), b = Datasets.spiral(50, 3, 7);
        assertThat(a.x().data()).containsExactly(b.x().data());
        // The last point of each arm has radius 1; the first is the origin.
        assertThat(Math.hypot(a.x().get(49, 0), a.x().get(49, 1))).isCloseTo(1.0, within(1e-6));
        assertThat(a.x().get(50, 0)).isEqualTo(0f);
        assertThat(Datasets.byName("IRIS").size()).isEqualTo(150);
        assertThatThrownBy(() -> Datasets.byName("nope")).hasMessageContaining("built in: iris");
    }

    @Test
    void csvReadsQuotedFieldsAndMapsLabelsInSortedOrder() {
        String csv = "a,\"b, with comma\",kind\n1,2,dog\n3,\"4\",cat\n\"5\",6,\"d\"\"og\"\n";
        CsvReader.CsvData d = CsvReader.withHeader().target("kind").read(csv, "pets.csv");
        assertThat(d.featureNames()).containsExactly("a", "b, with comma");
        assertThat(d.dataset().x().data()).containsExactly(1, 2, 3, 4, 5, 6);
        assertThat(d.dataset().classNames()).containsExactly("cat", "d\"og", "dog");
        assertThat(d.dataset().y().data()).containsExactly(2, 0, 1);
        CsvReader.CsvData regression = CsvReader.withoutHeader().delimiter(';').target(0).read("1.5;2\n2.5;3\n", "r.csv");
        assertThat(regression.dataset().y().data()).containsExactly(1.5f, 2.5f);
        assertThat(regression.dataset().classNames()).isNull();
    }

    @Test
    void csvErrorsNameFileLineAndWhatWasExpected() {
        String ragged = "a,b,c\n1,2,x\n1,2\n";
        assertThatThrownBy(() -> CsvReader.withHeader().read(ragged, "iris.csv"))
                .hasMessage("iris.csv line 3: expected 3 fields, got 2");
        assertThatThrownBy(() -> CsvReader.withHeader().read("a,b\n1,0\nfoo,1\n", "d.csv"))
                .hasMessage("d.csv line 3: column 'a' must be numeric, got 'foo'");
        assertThatThrownBy(() -> CsvReader.withHeader().target("label").read("a,b\n1,0\n", "d.csv"))
                .hasMessageContaining("d.csv: no target column 'label'").hasMessageContaining("[a, b]");
        assertThatThrownBy(() -> CsvReader.withHeader().read("a,b\n\"1,0\n", "q.csv")).hasMessageContaining("q.csv line 2: unterminated");
    }

    @Test
    void stratifiedSplitKeepsClassShares() {
        Dataset[] parts = Split.trainTest(Datasets.iris(), 0.2, 42, true);
        assertThat(parts[0].size()).isEqualTo(120);
        int[] counts = new int[3];
        for (float c : parts[1].y().data()) counts[(int) c]++;
        assertThat(counts).containsExactly(10, 10, 10);
        Dataset[] again = Split.trainTest(Datasets.iris(), 0.2, 42, true);
        assertThat(again[1].x().data()).containsExactly(parts[1].x().data());
        Dataset[] plain = Split.trainTest(Datasets.iris(), 0.2, 42, false);
        assertThat(plain[1].size()).isEqualTo(30);
    }

    @Test
    void scalersFitOnTrainingDataOnly() {
        Tensor train = Tensor.of(new float[][] {{1, 10}, {3, 10}, {5, 10}});
        Scaler standard = Scaler.standard().fit(train);
        Tensor s = standard.transform(train);
        assertThat(s.get(0, 0)).isCloseTo(-1.2247449f, within(1e-6f));
        assertThat(s.get(1, 0)).isEqualTo(0f);
        assertThat(s.get(2, 1)).isEqualTo(0f); // a constant column is centred, not divided by zero
        Tensor other = Scaler.minMax().fit(train).transform(Tensor.of(new float[][] {{3, 11}}));
        assertThat(other.data()).containsExactly(0.5f, 1f);
        Scaler back = Scaler.fromConfig(standard.config());
        assertThat(back.transform(train).data()).containsExactly(s.data());
        assertThatThrownBy(() -> standard.transform(Tensor.zeros(2, 3))).hasMessageContaining("fitted on 2 features, got 3");
    }

    @Test
    void oneHotEncodesAndRejectsBadLabels() {
        assertThat(OneHot.encode(Tensor.vector(2, 0), 3).data()).containsExactly(0, 0, 1, 1, 0, 0);
        assertThatThrownBy(() -> OneHot.encode(Tensor.vector(3), 3)).hasMessageContaining("label 3.0 at row 0");
    }

    @Test
    void idxReadsRawAndGzippedFilesAndNamesTruncation(@TempDir Path dir) throws IOException {
        byte[] pixels = {0, (byte) 255, 51, 102, 0, 0, 0, 0};
        Files.write(dir.resolve("train-images-idx3-ubyte.gz"), IdxReaderTest.gzip(IdxReaderTest.idx(0x803, new int[] {2, 2, 2}, pixels)));
        Files.write(dir.resolve("train-labels-idx1-ubyte"), IdxReaderTest.idx(0x801, new int[] {2}, new byte[] {3, 9}));
        Files.write(dir.resolve("t10k-images-idx3-ubyte"), IdxReaderTest.idx(0x803, new int[] {1, 2, 2}, new byte[] {1, 2, 3, 4}));
        Files.write(dir.resolve("t10k-labels-idx1-ubyte"), IdxReaderTest.idx(0x801, new int[] {1}, new byte[] {0}));
        Dataset[] d = IdxReader.fashionMnist(dir, true);
        assertThat(d[0].x().shape()).containsExactly(2, 1, 2, 2);
        assertThat(d[0].x().data()).startsWith(0f, 1f, 0.2f, 0.4f);
        assertThat(d[0].y().data()).containsExactly(3, 9);
        assertThat(d[1].size()).isEqualTo(1);

        Path cut = dir.resolve("cut-images");
        Files.write(cut, Arrays.copyOf(IdxReaderTest.idx(0x803, new int[] {2, 2, 2}, pixels), 20));
        assertThatThrownBy(() -> IdxReader.images(cut, false)).hasMessage(cut + ": header says 2 items of 2x2 bytes but the file ends after 4 bytes of data");
        Path header = dir.resolve("cut-header");
        Files.write(header, Arrays.copyOf(IdxReaderTest.idx(0x803, new int[] {2, 2, 2}, pixels), 10));
        assertThatThrownBy(() -> IdxReader.images(header, false)).hasMessage(header + ": truncated at offset 10: expected 12 bytes");
        Path wrong = dir.resolve("labels-as-images");
        Files.write(wrong, IdxReaderTest.idx(0x801, new int[] {1}, new byte[] {0}));
        assertThatThrownBy(() -> IdxReader.images(wrong, false)).hasMessageContaining("offset 0: expected IDX magic 0x803, found 0x801");
    }

    @Test
    void realFashionMnistLoadsWhenInstalled() {
        Assumptions.assumeTrue(Files.isDirectory(IdxReader.FASHION_MNIST_DIR), "Fashion-MNIST not installed");
        Dataset[] d = IdxReader.fashionMnist(IdxReader.FASHION_MNIST_DIR, false);
        assertThat(d[0].x().shape()).containsExactly(60000, 784);
        assertThat(d[1].x().shape()).containsExactly(10000, 784);
        assertThat(d[0].y().get(0)).isEqualTo(9f); // the first training image is an ankle boot
    }
}
