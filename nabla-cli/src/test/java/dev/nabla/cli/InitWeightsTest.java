package dev.nabla.cli;

import dev.nabla.io.SafeTensors;
import dev.nabla.tensor.Rng;
import dev.nabla.tensor.Tensor;
import dev.nabla.train.Model;
import dev.nabla.train.ModelFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static dev.nabla.cli.CliTest.inProcess;
import static org.assertj.core.api.Assertions.assertThat;

/** nabla train --init-weights: a PyTorch state_dict (nn.Sequential(Linear(4, 8), ReLU(), Linear(8, 3))) as the start. */
class InitWeightsTest {

    @TempDir
    Path dir;

    /** The state_dict safetensors.torch.save_file writes for that nn.Sequential, random values. */
    private Path stateDict(int hidden) throws Exception {
        Rng rng = new Rng(5);
        Map<String, Tensor> sd = new LinkedHashMap<>();
        sd.put("0.weight", Tensor.normal(rng, 0, 1, hidden, 4));
        sd.put("0.bias", Tensor.normal(rng, 0, 1, hidden));
        sd.put("2.weight", Tensor.normal(rng, 0, 1, 3, hidden));
        sd.put("2.bias", Tensor.normal(rng, 0, 1, 3));
        Path file = dir.resolve("state.safetensors");
        Files.write(file, SafeTensors.write(sd, null));
        return file;
    }

    @Test
    void trainingStartsFromTheStateDictsWeights() throws Exception {
        Path file = stateDict(8), run = dir.resolve("run");
        CliTest.Run r = inProcess("train", "--data", "iris", "--layers", "8:relu", "--epochs", "1", "--lr", "1e-12", "--out", run.toString(),
                "--init-weights", file.toString(), "--init-map", "0=dense,2=dense_1");
        assertThat(r.exit()).as(r.err()).isZero();
        Model m = ModelFile.load(run.resolve("model.nabla")).model();
        Map<String, Tensor> sd = SafeTensors.read(Files.readAllBytes(file), "state");
        float[] kernel = m.weights().get(0).value().data(), pytorch = sd.get("0.weight").data();
        assertThat(m.weights().get(0).name()).isEqualTo("dense/kernel");
        for (int i = 0; i < 4; i++) {
            for (int o = 0; o < 8; o++) assertThat(kernel[i * 8 + o]).as("dense/kernel[%d][%d]", i, o).isCloseTo(pytorch[o * 4 + i], org.assertj.core.data.Offset.offset(1e-6f));
        }
    }

    @Test
    void aStateDictThatDoesNotFitIsRefusedInOneLine() throws Exception {
        Path file = stateDict(6);
        CliTest.Run r = inProcess("train", "--data", "iris", "--layers", "8:relu", "--epochs", "1", "--out", dir.resolve("run").toString(),
                "--init-weights", file.toString(), "--init-map", "0=dense,2=dense_1");
        assertThat(r.exit()).isNotZero();
        assertThat(r.err().strip()).startsWith("nabla: state.safetensors does not fit model model, nothing was loaded: shapes differ: 0.weight is [6, 4],"
                + " dense/kernel needs [8, 4]").doesNotContain("\n");
        CliTest.Run bad = inProcess("train", "--data", "iris", "--init-weights", file.toString(), "--init-map", "0:dense");
        assertThat(bad.err().strip()).isEqualTo("nabla: --init-map: expected MODULE=LAYER pairs separated by commas, each module once, got '0:dense'");
    }
}
