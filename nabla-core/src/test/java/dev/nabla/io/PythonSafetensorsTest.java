package dev.nabla.io;

import dev.nabla.data.Dataset;
import dev.nabla.data.Datasets;
import dev.nabla.nn.Activation;
import dev.nabla.nn.BatchNormalization;
import dev.nabla.nn.Dense;
import dev.nabla.nn.Weight;
import dev.nabla.nn.losses.Losses;
import dev.nabla.optim.Optimizers;
import dev.nabla.tensor.Tensor;
import dev.nabla.train.FitOptions;
import dev.nabla.train.ModelFile;
import dev.nabla.train.SavedModel;
import dev.nabla.train.Sequential;
import dev.nabla.testing.ZipEntries;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Python's own safetensors package (the reader PyTorch and Hugging Face use) reads a Nabla model file's tensors
 * with the same names, shapes and values, bit for bit. The interpreter is {@code $NABLA_PYTHON} (CI points it at a
 * virtual environment with numpy and safetensors), else {@code python3}.
 */
class PythonSafetensorsTest {

    /** Prints every tensor of each file given as {"file": {"name": {"dtype", "shape", "values"}}} in JSON. */
    private static final String READER = String.join("\n",
            "import json, sys",
            "import numpy as np",
            "from safetensors import safe_open",
            "out = {}",
            "for path in sys.argv[1:]:",
            "    tensors = {}",
            "    with safe_open(path, framework='numpy') as f:",
            "        for name in f.keys():",
            "            v = f.get_tensor(name)",
            "            tensors[name] = {'dtype': str(v.dtype), 'shape': list(v.shape),",
            "                             'values': v.astype(np.float64).ravel().tolist()}",
            "        tensors['__metadata__'] = f.metadata() or {}",
            "    out[path] = tensors",
            "print(json.dumps(out))");

    @Test
    void pythonsSafetensorsReadsEveryWeightAndOptimizerSlotBitForBit(@TempDir Path dir) throws Exception {
        Dataset iris = Datasets.irisTrain();
        Sequential model = Sequential.of(Dense.of(16, Activation.RELU), new BatchNormalization(), Dense.of(3));
        model.seed(5);
        model.compile(Optimizers.adam(0.01f), Losses.sparseCategoricalCrossentropy(true));
        model.fit(iris.x(), iris.y(), FitOptions.epochs(2).batchSize(32).seed(3));
        Path file = dir.resolve("m.nabla");
        ModelFile.save(file, new SavedModel(model, Map.of(), null, Map.of()));
        Path weights = dir.resolve("model.safetensors"), optimizer = dir.resolve("optimizer.safetensors");
        extract(file, weights);
        extract(file, optimizer);

        Map<String, Object> read = runPython(weights, optimizer);

        Map<String, Object> fromWeights = asMap(read.get(weights.toString()));
        assertThat(asMap(fromWeights.remove("__metadata__"))).containsEntry("format", "pt");
        Map<String, Tensor> expected = new LinkedHashMap<>();
        for (Weight w : model.weights()) expected.put(w.name(), w.value());
        assertSameTensors("model.safetensors", fromWeights, expected);

        Map<String, Object> fromOptimizer = asMap(read.get(optimizer.toString()));
        assertThat(asMap(fromOptimizer.remove("__metadata__"))).containsEntry("iterations", Long.toString(model.optimizer().iterations()));
        assertSameTensors("optimizer.safetensors", fromOptimizer, model.optimizer().state(Weight.byName(model.weights())));
    }

    private static void assertSameTensors(String file, Map<String, Object> python, Map<String, Tensor> nabla) {
        assertThat(python.keySet()).as(file + " tensor names").containsExactlyInAnyOrderElementsOf(nabla.keySet());
        for (Map.Entry<String, Tensor> e : nabla.entrySet()) {
            Map<String, Object> t = asMap(python.get(e.getKey()));
            Tensor want = e.getValue();
            List<?> shape = (List<?>) t.get("shape"), values = (List<?>) t.get("values");
            assertThat(shape.stream().mapToInt(s -> ((Number) s).intValue()).toArray()).as(file + " " + e.getKey() + " shape").containsExactly(want.shape());
            assertThat(values).as(file + " " + e.getKey() + " values").hasSize(want.size());
            float[] data = want.data();
            for (int i = 0; i < data.length; i++) {
                // float32 widened to float64 is exact, so equality is bit-for-bit agreement.
                assertThat(((Number) values.get(i)).doubleValue()).as(file + " " + e.getKey() + "[" + i + "]").isEqualTo((double) data[i]);
            }
        }
    }

    private static Map<String, Object> runPython(Path... files) throws IOException, InterruptedException {
        String python = System.getenv().getOrDefault("NABLA_PYTHON", "python3");
        List<String> command = new java.util.ArrayList<>(List.of(python, "-c", READER));
        for (Path f : files) command.add(f.toString());
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            assumeTrue(false, python + " cannot be started (set NABLA_PYTHON to an interpreter with numpy and safetensors)");
            throw e;
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        p.waitFor();
        assumeTrue(!out.contains("No module named"), python + " lacks numpy or safetensors: " + out);
        assertThat(p.exitValue()).as(out).isZero();
        return Json.parseObject(out);
    }

    private static void extract(Path modelFile, Path entry) throws IOException {
        byte[] bytes = ZipEntries.entries(Files.readAllBytes(modelFile)).get(entry.getFileName().toString());
        if (bytes != null) Files.write(entry, bytes);
        assertThat(entry).as(modelFile + " holds " + entry.getFileName()).exists();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object o) {
        assertThat(o).isInstanceOf(Map.class);
        return (Map<String, Object>) o;
    }
}
