package dev.nabla.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ExplainCommandTest {

    @Test
    void theNeuronPresetPrintsTheTutorialsNumbers() {
        CliTest.Run r = CliTest.inProcess("explain", "neuron");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("out  = relu(h3) = 6", "-> to x        [-3, -1, 2]", "dw      = [1, -2, 3]", "db      = 1",
                "Output 6 -> 5.985 after the step");
    }

    @Test
    void theLayerPresetPrintsTheTutorialsUpdatedWeightsAndBiases() {
        CliTest.Run r = CliTest.inProcess("explain", "layer");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("-> [[0.1985, 0.5005, -0.2615], [0.7903, -0.9147, -0.2797], [-0.5053, 0.2537, 0.1647], [0.9963, -0.5017, 0.8663]]",
                "b       [[2, 3, 0.5]] -> [[1.997, 2.998, 0.497]]");
    }

    @Test
    void xorAsJsonWithTheGraphWritten(@TempDir Path dir) throws Exception {
        CliTest.Run r = CliTest.inProcess("explain", "xor", "--format", "json", "--graph", dir.resolve("xor").toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("\"backward\"", "\"updates\"");
        assertThat(Files.readString(dir.resolve("xor.dot"))).startsWith("digraph nabla");
        assertThat(Files.readString(dir.resolve("xor.mmd"))).startsWith("flowchart LR");
    }

    @Test
    void aSavedModelIsExplainedAndGradientChecked(@TempDir Path dir) {
        Path out = dir.resolve("run");
        assertThat(CliTest.inProcess("train", "--epochs", "5", "--out", out.toString()).exit()).isZero();
        String model = out.resolve("model.nabla").toString();
        CliTest.Run explain = CliTest.inProcess("explain", model, "--input", "5.1,3.5,1.4,0.2", "--target", "0");
        assertThat(explain.exit()).as(explain.err()).isZero();
        assertThat(explain.out()).contains("loss sparse_categorical_crossentropy", "ddense/kernel", "dp = -1/p at the target", "after the step");
        CliTest.Run check = CliTest.inProcess("gradcheck", model, "--data", "iris");
        assertThat(check.exit()).as(check.err()).isZero();
        assertThat(check.out()).contains("dense/kernel", "All gradients agree");
        CliTest.Run missing = CliTest.inProcess("explain", model);
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).contains("--input");
    }
}
