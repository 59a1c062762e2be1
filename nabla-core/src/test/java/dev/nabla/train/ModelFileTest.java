package dev.nabla.train;

import dev.nabla.data.Dataset;
import dev.nabla.data.Datasets;
import dev.nabla.io.SafeTensors;
import dev.nabla.nn.Activation;
import dev.nabla.nn.Dense;
import dev.nabla.nn.Dropout;
import dev.nabla.nn.Layer;
import dev.nabla.nn.Weight;
import dev.nabla.nn.losses.Losses;
import dev.nabla.optim.Optimizers;
import dev.nabla.tensor.Tensor;
import dev.nabla.train.metrics.Metrics;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;

import static dev.nabla.testing.ZipEntries.entries;
import static dev.nabla.testing.ZipEntries.zip;
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
        assertThat(back.model().optimizer().state(Weight.byName(back.model().weights())).keySet())
                .isEqualTo(m.optimizer().state(Weight.byName(m.weights())).keySet());
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
        byte[] weights = entries(Files.readAllBytes(file)).get("model.safetensors");
        Map<String, Tensor> t = SafeTensors.read(weights, "model.safetensors");
        assertThat(t.keySet()).containsExactly("dense/kernel", "dense/bias", "dense_1/kernel", "dense_1/bias");
        assertThat(t.get("dense/kernel").data()).containsExactly(m.getWeights().get(0).data());
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
        return zeros(entry, new byte[0], size);
    }

    /** A zip whose one entry is {@code start} followed by {@code size} zero bytes. */
    private static byte[] zeros(String entry, byte[] start, int size) throws java.io.IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.util.zip.ZipOutputStream zip = new java.util.zip.ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry(entry));
            zip.write(start);
            byte[] block = new byte[64 * 1024];
            for (int done = 0; done < size; done += block.length) zip.write(block, 0, Math.min(block.length, size - done));
            zip.closeEntry();
        }
        return bytes.toByteArray();
    }

    @Test
    void anEntryInflatingBeyondItsLimitIsRefusedBeforeItIsRead() throws Exception {
        byte[] header = "{\"w\":{\"dtype\":\"F32\",\"shape\":[1048576],\"data_offsets\":[0,4194304]}}".getBytes();
        java.nio.ByteBuffer start = java.nio.ByteBuffer.allocate(8 + header.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        start.putLong(header.length).put(header);
        byte[] bomb = zeros("model.safetensors", start.array(), 4 << 20); // a sound 4 MiB tensor file, over a 1 MiB limit
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
    /** A model with one layer of most kinds, compiled with a warmup schedule and clipping, and a two-epoch history. */
    private byte[] everyKindOfField() {
        Sequential m = Sequential.of(new dev.nabla.nn.Reshape(1, 4, 4),
                new dev.nabla.nn.Conv2D(2, 3, 1, dev.nabla.nn.Padding.SAME, true, Activation.RELU),
                new dev.nabla.nn.BatchNormalization(), new dev.nabla.nn.MaxPool2D(2, 2), new dev.nabla.nn.Flatten(),
                new dev.nabla.nn.LayerNormalization(), Dense.of(3, Activation.SOFTMAX), new Dropout(0.1));
        dev.nabla.optim.Optimizer adam = Optimizers.adam(dev.nabla.optim.Schedules.warmup(5, dev.nabla.optim.Schedules.constant(0.01f)));
        adam.clipByNorm(1f);
        m.compile(adam, Losses.sparseCategoricalCrossentropy(false), Metrics.accuracy());
        m.buildFor(1, 16);
        History h = new History();
        h.record(new java.util.LinkedHashMap<>(Map.of("loss", 1.0)));
        h.record(new java.util.LinkedHashMap<>(Map.of("loss", 0.5)));
        return ModelFile.toBytes(new SavedModel(m, Map.of(), h, Map.of()));
    }

    private static final Object REMOVE = new Object();

    /** Sets (or removes) the value at a path like {@code model.layers[2].units} in parsed JSON. */
    @SuppressWarnings("unchecked")
    private static void set(Object root, String path, Object value) {
        String[] parts = path.split("\\.|(?=\\[)");
        Object node = root;
        for (int k = 0; k < parts.length; k++) {
            String part = parts[k];
            boolean last = k == parts.length - 1;
            if (part.startsWith("[")) {
                List<Object> list = (List<Object>) node;
                int index = Integer.parseInt(part.substring(1, part.length() - 1));
                if (!last) node = list.get(index);
                else if (value == REMOVE) list.remove(index);
                else list.set(index, value);
            } else {
                Map<String, Object> map = (Map<String, Object>) node;
                if (!last) node = map.get(part);
                else if (value == REMOVE) map.remove(part);
                else map.put(part, value);
            }
        }
    }

    @Test
    void everyMalformedFieldIsRefusedNamingTheEntryAndTheField() throws Exception {
        byte[] good = everyKindOfField();
        assertThat(ModelFile.fromBytes(good, "m.nabla").history().get("loss")).containsExactly(1.0, 0.5);
        Map<String, Object> seeds = (Map<String, Object>) dev.nabla.io.Json.parseObject(
                new String(entries(good).get("metadata.json"), java.nio.charset.StandardCharsets.UTF_8)).get("layer_seeds");
        String seedOfFirst = "layer_seeds." + seeds.keySet().iterator().next();
        // entry, path, new value (or REMOVE), text the message must contain besides the entry (default: the path)
        Object[][] cases = {
            {"config.json", "format_version", "one"}, {"config.json", "format_version", REMOVE}, {"config.json", "format_version", -1L},
            {"config.json", "model", 5L}, {"config.json", "model.type", "Mystery", "model.type: cannot rebuild a model of type Mystery"},
            {"config.json", "model.type", 7L}, {"config.json", "model.name", 7L},
            {"config.json", "model.layers", "abc"}, {"config.json", "model.layers[0]", 5L},
            {"config.json", "model.layers[0].type", REMOVE}, {"config.json", "model.layers[0].type", 7L},
            {"config.json", "model.layers[0].type", "Mystery", "model.layers[0].type: unknown layer type 'Mystery'"},
            {"config.json", "model.layers[0].name", List.of()},
            {"config.json", "model.layers[0].target_shape", "x"}, {"config.json", "model.layers[0].target_shape", REMOVE},
            {"config.json", "model.layers[0].target_shape", List.of(1L, -4L, 4L), "model.layers[0].target_shape[1]"},
            {"config.json", "model.layers[1].filters", "abc"}, {"config.json", "model.layers[1].filters", -2L},
            {"config.json", "model.layers[1].filters", 2.5}, {"config.json", "model.layers[1].filters", REMOVE},
            {"config.json", "model.layers[1].filters", 1e12}, {"config.json", "model.layers[1].kernel_size", 0L},
            {"config.json", "model.layers[1].stride", "s"}, {"config.json", "model.layers[1].padding", "diagonal"},
            {"config.json", "model.layers[1].padding", 3L}, {"config.json", "model.layers[1].padding", REMOVE},
            {"config.json", "model.layers[1].use_bias", "yes"}, {"config.json", "model.layers[1].use_bias", REMOVE},
            {"config.json", "model.layers[1].activation", "wiggle"}, {"config.json", "model.layers[1].activation", 5L},
            {"config.json", "model.layers[1].kernel_initializer", 5L}, {"config.json", "model.layers[1].kernel_initializer", "mystery"},
            {"config.json", "model.layers[1].kernel_initializer", Map.of("name", "constant")},
            {"config.json", "model.layers[1].bias_initializer", REMOVE},
            {"config.json", "model.layers[2].momentum", "m"}, {"config.json", "model.layers[2].momentum", 2.0, "model.layers[2]: BatchNormalization: momentum"},
            {"config.json", "model.layers[2].epsilon", -1.0, "model.layers[2]: BatchNormalization: epsilon"}, {"config.json", "model.layers[2].epsilon", REMOVE},
            {"config.json", "model.layers[3].pool_size", -1L}, {"config.json", "model.layers[3].stride", REMOVE},
            {"config.json", "model.layers[5].epsilon", "e"}, {"config.json", "model.layers[5].epsilon", 0.0, "model.layers[5]: LayerNormalization: epsilon"},
            {"config.json", "model.layers[6].units", "abc"}, {"config.json", "model.layers[6].units", -3L},
            {"config.json", "model.layers[6].units", REMOVE}, {"config.json", "model.layers[6].activation", 7L},
            {"config.json", "model.layers[7].rate", 1.5, "model.layers[7]: Dropout: rate"}, {"config.json", "model.layers[7].rate", "r"}, {"config.json", "model.layers[7].rate", REMOVE},
            {"config.json", "input_shape", "abc"}, {"config.json", "input_shape", REMOVE},
            {"config.json", "input_shape", List.of(1L, "x"), "input_shape[1]"}, {"config.json", "input_shape", List.of(1L, -16L), "input_shape[1]"},
            {"config.json", "input_shape", List.of(1L, 17L), "input_shape [1, 17]"},
            {"config.json", "loss", 5L}, {"config.json", "loss.name", "mystery"}, {"config.json", "loss.name", 7L},
            {"config.json", "loss.reduction", "sideways"}, {"config.json", "loss.from_logits", "yes"},
            {"config.json", "optimizer", "adam"}, {"config.json", "optimizer.type", "Mystery"}, {"config.json", "optimizer.type", REMOVE},
            {"config.json", "optimizer.beta1", "b"}, {"config.json", "optimizer.beta1", REMOVE},
            {"config.json", "optimizer.schedule", REMOVE}, {"config.json", "optimizer.schedule", 5L},
            {"config.json", "optimizer.schedule.type", "zigzag"}, {"config.json", "optimizer.schedule.warmup_steps", "w"},
            {"config.json", "optimizer.schedule.after", REMOVE}, {"config.json", "optimizer.schedule.after.lr", "x"},
            {"config.json", "optimizer.schedule.after.lr", -1.0, "optimizer.schedule.after"},
            {"config.json", "optimizer.clip_norm", "c"},
            {"config.json", "metrics", "accuracy"}, {"config.json", "metrics[0]", 5L}, {"config.json", "metrics[0]", "mystery"},
            {"config.json", "metrics[0]", "top_99999999999_accuracy"}, {"config.json", "metrics[0]", "top_0_accuracy"},
            {"config.json", "preprocessing", 5L},
            {"metadata.json", "layer_seeds", 5L}, {"metadata.json", seedOfFirst, "abc"}, {"metadata.json", seedOfFirst, true},
            {"metadata.json", "epochs_completed", "two"}, {"metadata.json", "epochs_completed", -1L},
            {"metadata.json", "epochs_completed", 5L, "history.loss"},
            {"metadata.json", "history", 5L}, {"metadata.json", "history.loss", "x"}, {"metadata.json", "history.loss[0]", "x"},
        };
        List<String> wrong = new java.util.ArrayList<>();
        for (Object[] c : cases) {
            String entry = (String) c[0], path = (String) c[1];
            String mustContain = c.length > 3 ? (String) c[3] : path;
            byte[] bad = withEntry(good, entry, text -> {
                Object json = dev.nabla.io.Json.parse(text);
                set(json, path, c[2]);
                return dev.nabla.io.Json.writePretty(json);
            });
            String what = entry + " " + path + " = " + (c[2] == REMOVE ? "(removed)" : dev.nabla.io.Json.write(c[2]));
            Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> ModelFile.fromBytes(bad, "m.nabla"));
            String m = t == null ? null : t.getMessage();
            boolean clear = t != null && t.getClass() == IllegalArgumentException.class && m.startsWith("m.nabla!" + entry + ": ")
                    && m.contains(mustContain) && !m.contains("\n") && !m.contains("No enum constant") && !m.contains("java.");
            if (!clear) wrong.add(what + " -> " + (t == null ? "loaded" : t));
        }
        assertThat(wrong).as(wrong.size() + " of " + cases.length + " malformed fields not refused clearly").isEmpty();
    }
    @Test
    void aGraphWithSeveralInputsSavesEachInputsShapeAndAFileWhoseShapesDisagreeWithItsGraphIsRefused() throws Exception {
        dev.nabla.nn.SymbolicTensor a = dev.nabla.nn.Input.of("a", 3), b = dev.nabla.nn.Input.of("b", 2, 2);
        dev.nabla.nn.SymbolicTensor joined = new dev.nabla.nn.Concatenate().call(a, new dev.nabla.nn.Flatten().call(b));
        Functional m = Model.of(List.of(a, b), List.of(Dense.of(1).call(joined)));
        byte[] good = ModelFile.toBytes(new SavedModel(m, Map.of(), null, Map.of()));
        Object[] config = new Object[1];
        withEntry(good, "config.json", text -> {
            config[0] = dev.nabla.io.Json.parse(text);
            return text;
        });
        Map<?, ?> fields = (Map<?, ?>) config[0];
        assertThat(fields.containsKey("input_shape")).isFalse();
        assertThat(fields.get("input_shapes")).isEqualTo(Map.of("a", List.of(1L, 3L), "b", List.of(1L, 2L, 2L)));
        Functional loaded = (Functional) ModelFile.fromBytes(good, "m.nabla").model();
        assertThat(loaded.inputs()).extracting(Object::toString).containsExactly("a [None, 3]", "b [None, 2, 2]");
        Object[][] cases = {
            {"input_shapes.b", List.of(1L, 4L), "input_shapes.b is [1, 4] but the graph's input b is [1, 2, 2]"},
            {"input_shapes.b", REMOVE, "input_shapes: no shape for input b"},
            {"input_shapes.c", List.of(1L, 3L), "input_shapes: unknown input c (the inputs are [a, b])"},
            {"input_shapes.a", List.of(1L, -3L), "input_shapes.a[1]"},
            {"input_shapes", REMOVE, "input_shapes"},
        };
        for (Object[] c : cases) {
            byte[] bad = withEntry(good, "config.json", text -> {
                Object json = dev.nabla.io.Json.parse(text);
                set(json, (String) c[0], c[1]);
                return dev.nabla.io.Json.writePretty(json);
            });
            assertThatThrownBy(() -> ModelFile.fromBytes(bad, "m.nabla")).as(c[0] + " = " + c[1])
                    .isExactlyInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("m.nabla!config.json: ")
                    .hasMessageContaining((String) c[2]);
        }
        // A one-input graph keeps input_shape, which must match its input as well.
        dev.nabla.nn.SymbolicTensor x = dev.nabla.nn.Input.of("x", 4);
        byte[] one = ModelFile.toBytes(new SavedModel(Model.of(x, Dense.of(2).call(x)), Map.of(), null, Map.of()));
        byte[] wrong = withEntry(one, "config.json", text -> {
            Object json = dev.nabla.io.Json.parse(text);
            set(json, "input_shape", List.of(1L, 5L));
            return dev.nabla.io.Json.writePretty(json);
        });
        assertThatThrownBy(() -> ModelFile.fromBytes(wrong, "m.nabla")).isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("input_shape is [1, 5] but the graph's input x is [1, 4]");
    }

    @Test
    void modelsUsedAsLayersSaveAndLoadWithoutRegistrationAndPredictBitForBit() {
        // A Sequential inside a Sequential, its weights frozen.
        Sequential block = Sequential.of(Dense.of(4, Activation.RELU), Dense.of(3));
        block.setTrainable(false);
        Sequential stacked = Sequential.of(block, Dense.of(1));
        stacked.seed(7);
        stacked.buildFor(1, 5);
        // A functional model called twice (shared weights) and a Sequential, inside a two-input functional model.
        dev.nabla.nn.SymbolicTensor v = dev.nabla.nn.Input.of("v", 5);
        Functional tower = Model.of(v, Dense.of(2, Activation.TANH).call(v));
        dev.nabla.nn.SymbolicTensor a = dev.nabla.nn.Input.of("a", 5), b = dev.nabla.nn.Input.of("b", 5);
        dev.nabla.nn.SymbolicTensor merged = new dev.nabla.nn.Add().call(tower.call(a), tower.call(b));
        Functional graph = Model.of(List.of(a, b), List.of(Sequential.of(Dense.of(3, Activation.RELU), Dense.of(1)).call(merged)));
        graph.seed(8);
        Tensor xa = Tensor.randn(new dev.nabla.tensor.Rng(9), 6, 5), xb = Tensor.randn(new dev.nabla.tensor.Rng(10), 6, 5);
        for (Model m : List.of(stacked, graph)) {
            Model back = ModelFile.fromBytes(ModelFile.toBytes(new SavedModel(m, Map.of(), null, Map.of())), "m.nabla").model();
            List<Tensor> in = m.inputNames().size() == 1 ? List.of(xa) : List.of(xa, xb);
            assertThat(back.apply(in).get(0).data()).as(m.name()).containsExactly(m.apply(in).get(0).data());
            assertThat(back.summary()).isEqualTo(m.summary());
            assertThat(back.trainableParameterCount()).isEqualTo(m.trainableParameterCount());
        }
        assertThat(stacked.trainableParameterCount()).isEqualTo(3 + 1); // the frozen block's weights stay frozen
    }

    @Test
    void aMalformedPerOutputCompileFieldIsRefusedNamingTheField() throws Exception {
        dev.nabla.nn.SymbolicTensor x = dev.nabla.nn.Input.of("x", 4);
        dev.nabla.nn.SymbolicTensor h = Dense.of(8, Activation.RELU).call(x);
        Functional m = Model.of(List.of(x), Map.of("main", Dense.of(3, Activation.SOFTMAX).call(h), "aux", Dense.of(1).call(h)));
        m.compile(Optimizers.adam(0.01), Map.of("main", Losses.sparseCategoricalCrossentropy(false), "aux", Losses.mse()),
                Map.of("aux", 0.5), Map.of("main", List.of(Metrics.accuracy())));
        byte[] good = ModelFile.toBytes(new SavedModel(m, Map.of(), null, Map.of()));
        assertThat(ModelFile.fromBytes(good, "m.nabla").model().lossWeights()).containsEntry("aux", 0.5);
        Object[][] cases = {
            {"losses", 5L, "losses: expected an object"}, {"losses.main", 5L, "losses.main: expected an object"},
            {"losses.main.name", "mystery", "losses.main.name: unknown loss"}, {"losses.aux", REMOVE, "no loss for output aux"},
            {"losses.extra", "mse", "unknown output extra (the outputs are [aux, main])"},
            {"loss_weights.aux", "half", "loss_weights.aux: expected a finite number"}, {"loss_weights.aux", -1.0, "loss weight of output aux"},
            {"output_metrics", List.of(), "output_metrics: expected an object"}, {"output_metrics.main", "accuracy", "output_metrics.main: expected an array"},
            {"output_metrics.main[0]", "mystery", "output_metrics.main[0]: unknown metric"}, {"output_metrics.main[0]", 5L, "output_metrics.main[0]: expected a metric name"},
        };
        List<String> wrong = new java.util.ArrayList<>();
        for (Object[] c : cases) {
            byte[] bad = withEntry(good, "config.json", text -> {
                Object json = dev.nabla.io.Json.parse(text);
                set(json, (String) c[0], c[1]);
                return dev.nabla.io.Json.writePretty(json);
            });
            Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> ModelFile.fromBytes(bad, "m.nabla"));
            String msg = t == null ? null : t.getMessage();
            boolean clear = t != null && t.getClass() == IllegalArgumentException.class && msg.startsWith("m.nabla!config.json: ")
                    && msg.contains((String) c[2]) && !msg.contains("\n");
            if (!clear) wrong.add(c[0] + " = " + (c[1] == REMOVE ? "(removed)" : c[1]) + " -> " + (t == null ? "loaded" : t));
        }
        assertThat(wrong).as(wrong.size() + " of " + cases.length + " malformed fields not refused clearly").isEmpty();
    }

    @Test
    void aWeightsEntryIsReadNoFurtherThanItsHeaderDeclares() throws Exception {
        byte[] zeroFilled = zeros("model.safetensors", 64 << 20);
        assertThatThrownBy(() -> ModelFile.fromBytes(zeroFilled, "z.nabla")).isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("z.nabla!model.safetensors: bad safetensors header length 0");
        byte[] oneScalar = SafeTensors.write(Map.of("s", Tensor.scalar(1f)), Map.of());
        byte[] padded = zeros("model.safetensors", oneScalar, 64 << 20);
        assertThatThrownBy(() -> ModelFile.fromBytes(padded, "p.nabla")).isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("p.nabla!model.safetensors: the entry is longer than the " + oneScalar.length + " bytes its header declares");
    }
}
