package dev.nabla.train;

import dev.nabla.data.Dataset;
import dev.nabla.data.Datasets;
import dev.nabla.io.SafeTensors;
import dev.nabla.nn.Activation;
import dev.nabla.nn.Dense;
import dev.nabla.nn.Dropout;
import dev.nabla.nn.Layer;
import dev.nabla.nn.losses.Losses;
import dev.nabla.optim.Optimizers;
import dev.nabla.tensor.Tensor;
import dev.nabla.train.metrics.Metrics;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModelFileTest {

    private final Dataset iris = Datasets.irisTrain();

    @BeforeEach
    void freshNames() {
        Layer.resetNames();
    }

    private Sequential model(long seed) {
        Sequential m = Sequential.of(Dense.of(16, Activation.RELU), new Dropout(0.2), Dense.of(3, Activation.SOFTMAX));
        m.seed(seed);
        m.compile(Optimizers.adam(0.01f), Losses.sparseCategoricalCrossentropy(false), Metrics.accuracy());
        return m;
    }

    @Test
    void aLoadedModelPredictsBitForBitAndKeepsItsExtras(@TempDir Path dir) {
        Sequential m = model(1);
        History h = m.fit(iris.x(), iris.y(), FitOptions.epochs(3).batchSize(16).seed(2));
        Path file = dir.resolve("iris.nabla");
        ModelFile.save(file, new SavedModel(m, Map.of("class_names", List.of("a", "b", "c")), h, Map.of("seed", 2L)));
        SavedModel back = ModelFile.load(file);
        assertThat(back.model().predict(iris.x()).data()).containsExactly(m.predict(iris.x()).data());
        assertThat(back.preprocessing().get("class_names")).isEqualTo(List.of("a", "b", "c"));
        assertThat(back.history().get("loss")).containsExactlyElementsOf(h.get("loss"));
        assertThat(back.epochsCompleted()).isEqualTo(3);
        assertThat(back.model().optimizer().iterations()).isEqualTo(m.optimizer().iterations());
        assertThat(back.model().summary()).isEqualTo(m.summary());
        assertThat(dir.toFile().list()).containsExactly("iris.nabla"); // no temporary file left behind
    }

    @Test
    void theBytesOfAModelAreTheFileAndReadBackTheSameModel(@TempDir Path dir) {
        Sequential m = model(3);
        m.fit(iris.x(), iris.y(), FitOptions.epochs(2).batchSize(16).seed(4));
        SavedModel saved = new SavedModel(m, Map.of(), null, Map.of());
        Path file = dir.resolve("m.nabla");
        ModelFile.save(file, saved);
        byte[] bytes = ModelFile.toBytes(saved);
        assertThat(ModelFile.load(file).model().predict(iris.x()).data()).containsExactly(m.predict(iris.x()).data());
        SavedModel back = ModelFile.fromBytes(bytes, "in memory");
        assertThat(back.model().predict(iris.x()).data()).containsExactly(m.predict(iris.x()).data());
        assertThat(back.model().optimizer().state().keySet()).isEqualTo(m.optimizer().state().keySet());
        assertThatThrownBy(() -> ModelFile.fromBytes(Arrays.copyOf(bytes, bytes.length / 2), "half a model"))
                .hasMessageStartingWith("half a model: ");
    }

    @Test
    void resumingFromACheckpointEndsWithTheSameWeightsAsAnUninterruptedRun(@TempDir Path dir) {
        Sequential whole = model(5);
        whole.fit(iris.x(), iris.y(), FitOptions.epochs(6).batchSize(16).seed(9));

        Path ckpt = dir.resolve("ckpt.nabla");
        Sequential first = model(5);
        first.fit(iris.x(), iris.y(), FitOptions.epochs(3).batchSize(16).seed(9).callbacks(ModelCheckpoint.every(1, ckpt)));
        Layer.resetNames();
        SavedModel saved = ModelFile.load(ckpt);
        assertThat(saved.epochsCompleted()).isEqualTo(3);
        saved.model().fit(iris.x(), iris.y(), FitOptions.epochs(6).initialEpoch(saved.epochsCompleted()).batchSize(16).seed(9));
        List<Tensor> a = whole.getWeights(), b = saved.model().getWeights();
        for (int i = 0; i < a.size(); i++) assertThat(b.get(i).data()).as("weight %d", i).containsExactly(a.get(i).data());
    }

    @Test
    void theWeightsEntryIsPlainSafetensors(@TempDir Path dir) throws Exception {
        Sequential m = model(1);
        m.buildFor(1, 4);
        Path file = dir.resolve("m.nabla");
        ModelFile.save(file, m);
        byte[] weights = null;
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(Files.readAllBytes(file)))) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) if (e.getName().equals("model.safetensors")) weights = zip.readAllBytes();
        }
        Map<String, Tensor> t = SafeTensors.read(weights, "model.safetensors");
        assertThat(t.keySet()).containsExactly("dense/kernel", "dense/bias", "dense_1/kernel", "dense_1/bias");
        assertThat(t.get("dense/kernel").data()).containsExactly(m.getWeights().get(0).data());
    }

    @Test
    void pythonsSafetensorsReadsTheWeights(@TempDir Path dir) throws Exception {
        Sequential m = model(1);
        m.buildFor(1, 4);
        Path file = dir.resolve("m.nabla");
        ModelFile.save(file, m);
        Path weights = dir.resolve("model.safetensors");
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(Files.readAllBytes(file)))) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) if (e.getName().equals("model.safetensors")) Files.write(weights, zip.readAllBytes());
        }
        String script = "import sys\nfrom safetensors.numpy import load_file\nd = load_file(sys.argv[1])\n"
                + "print(' '.join(f'{k}:{tuple(v.shape)}:{float(v.sum()):.6f}' for k, v in d.items()))";
        Process p;
        try {
            p = new ProcessBuilder("python3", "-c", script, weights.toString()).redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            org.junit.jupiter.api.Assumptions.abort("python3 is not installed");
            return;
        }
        String out = new String(p.getInputStream().readAllBytes()).strip();
        p.waitFor();
        org.junit.jupiter.api.Assumptions.assumeFalse(out.contains("No module named"), "Python's safetensors is not installed");
        assertThat(p.exitValue()).as(out).isZero();
        Tensor kernel = m.getWeights().get(0);
        double sum = 0;
        for (float v : kernel.data()) sum += v;
        assertThat(out).contains("dense/kernel:(4, 16):" + String.format(java.util.Locale.ROOT, "%.6f", sum).substring(0, 6));
        assertThat(out).contains("dense_1/bias:(3,)");
    }

    @Test
    void truncatedCorruptedAndForeignFilesAreRefusedClearly(@TempDir Path dir) throws Exception {
        Sequential m = model(1);
        m.buildFor(1, 4);
        Path good = dir.resolve("good.nabla");
        ModelFile.save(good, m);
        byte[] bytes = Files.readAllBytes(good);

        Path truncated = dir.resolve("truncated.nabla");
        Files.write(truncated, Arrays.copyOf(bytes, bytes.length / 2));
        assertThatThrownBy(() -> ModelFile.load(truncated)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(truncated.toString()).hasMessageMatching(".*(truncated|corrupted).*");

        Path corrupted = dir.resolve("corrupted.nabla");
        byte[] flipped = bytes.clone();
        flipped[flipped.length / 3] ^= 0x5A;
        Files.write(corrupted, flipped);
        assertThatThrownBy(() -> ModelFile.load(corrupted)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(corrupted.toString()).hasMessageMatching(".*(truncated|corrupted).*");

        Path foreign = dir.resolve("notes.txt");
        Files.writeString(foreign, "hello");
        assertThatThrownBy(() -> ModelFile.load(foreign)).hasMessageContaining("not a Nabla model file");

        assertThatThrownBy(() -> ModelFile.load(dir.resolve("missing.nabla"))).hasMessageContaining("no such model file");
    }
    /** The entries of a model file, by name, in file order. */
    static Map<String, byte[]> entries(byte[] modelFile) throws java.io.IOException {
        Map<String, byte[]> out = new java.util.LinkedHashMap<>();
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(modelFile))) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) out.put(e.getName(), zip.readAllBytes());
        }
        return out;
    }

    /** A model file holding these entries. */
    static byte[] zip(Map<String, byte[]> entries) throws java.io.IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.util.zip.ZipOutputStream zip = new java.util.zip.ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue());
                zip.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    /** A saved model's bytes with one entry's text edited. */
    private byte[] withEntry(byte[] modelFile, String entry, java.util.function.UnaryOperator<String> edit) throws java.io.IOException {
        Map<String, byte[]> e = entries(modelFile);
        e.put(entry, edit.apply(new String(e.get(entry), java.nio.charset.StandardCharsets.UTF_8)).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return zip(e);
    }

    @Test
    void aNaNValidationLossInTheHistoryIsSavedAndLoadedBack(@TempDir Path dir) {
        Sequential m = model(1);
        m.buildFor(1, 4);
        History h = new History();
        h.record(new java.util.LinkedHashMap<>(Map.of("loss", 0.5, "val_loss", Double.NaN)));
        h.record(new java.util.LinkedHashMap<>(Map.of("loss", Double.POSITIVE_INFINITY, "val_loss", Double.NEGATIVE_INFINITY)));
        Path file = dir.resolve("nan.nabla");
        ModelFile.save(file, new SavedModel(m, Map.of(), h, Map.of()));
        History back = ModelFile.load(file).history();
        assertThat(back.get("val_loss")).containsExactly(Double.NaN, Double.NEGATIVE_INFINITY);
        assertThat(back.get("loss")).containsExactly(0.5, Double.POSITIVE_INFINITY);
    }

    @Test
    void aConfigNumberThatOverflowsToInfinityIsRefusedWithItsPlace() throws Exception {
        Sequential m = model(1);
        m.buildFor(1, 4);
        byte[] bad = withEntry(ModelFile.toBytes(new SavedModel(m, Map.of(), null, Map.of())), "config.json",
                t -> t.replaceFirst("\"units\": 16", "\"units\": 1e400"));
        assertThatThrownBy(() -> ModelFile.fromBytes(bad, "big.nabla"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("big.nabla!config.json: JSON: number '1e400' is out of range of a double at line ")
                .hasMessageContaining("(offset ");
    }
    /** A zip whose one entry inflates to {@code size} zero bytes from a few kilobytes. */
    private static byte[] zeros(String entry, int size) throws java.io.IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.util.zip.ZipOutputStream zip = new java.util.zip.ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry(entry));
            byte[] block = new byte[64 * 1024];
            for (int done = 0; done < size; done += block.length) zip.write(block, 0, Math.min(block.length, size - done));
            zip.closeEntry();
        }
        return bytes.toByteArray();
    }

    @Test
    void anEntryInflatingBeyondItsLimitIsRefusedBeforeItIsRead() throws Exception {
        byte[] bomb = zeros("model.safetensors", 4 << 20);
        assertThat(bomb.length).isLessThan(64 * 1024);
        assertThatThrownBy(() -> ModelFile.unzip("bomb.nabla", bomb, 1 << 10, 1 << 20))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("bomb.nabla: entry model.safetensors inflates to more than 1048576 bytes (the limit for it); not a sound model file");
        byte[] jsonBomb = zeros("config.json", 1 << 20);
        assertThatThrownBy(() -> ModelFile.unzip("bomb.nabla", jsonBomb, 1 << 10, 1 << 30))
                .hasMessage("bomb.nabla: entry config.json inflates to more than 1024 bytes (the limit for it); not a sound model file");
        assertThat(ModelFile.unzip("small.nabla", zeros("config.json", 1000), 1 << 10, 1 << 20).get("config.json")).hasSize(1000);
    }

    @Test
    void anUnknownOrRepeatedEntryIsRefused() throws Exception {
        Sequential m = model(1);
        m.buildFor(1, 4);
        Map<String, byte[]> e = entries(ModelFile.toBytes(new SavedModel(m, Map.of(), null, Map.of())));
        e.put("junk.bin", new byte[16]);
        byte[] withJunk = zip(e);
        assertThatThrownBy(() -> ModelFile.fromBytes(withJunk, "j.nabla"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("j.nabla: unexpected entry junk.bin (a model file holds config.json, model.safetensors,"
                        + " optimizer.safetensors, metadata.json)");
        // ZipOutputStream refuses a repeated name, so write another and rename it in the bytes (names are not in the CRC)
        Map<String, byte[]> two = entries(ModelFile.toBytes(new SavedModel(m, Map.of(), null, Map.of())));
        two.put("metadata.jsoX", two.get("metadata.json"));
        byte[] twice = new String(zip(two), java.nio.charset.StandardCharsets.ISO_8859_1).replace("metadata.jsoX", "metadata.json")
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> ModelFile.fromBytes(twice, "t.nabla"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("t.nabla: entry metadata.json appears twice");
    }
}
