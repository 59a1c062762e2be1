package dev.nabla.cli;

import dev.nabla.nn.Activation;
import dev.nabla.nn.Add;
import dev.nabla.nn.Concatenate;
import dev.nabla.nn.Dense;
import dev.nabla.nn.Input;
import dev.nabla.nn.Layer;
import dev.nabla.nn.SymbolicTensor;
import dev.nabla.onnx.OnnxExporter;
import dev.nabla.train.Functional;
import dev.nabla.train.Model;
import dev.nabla.train.ModelFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ExportCommandTest {

    @Test
    void aFunctionalModelWithTwoInputsAndTwoOutputsExports(@TempDir Path dir) throws Exception {
        Layer.resetNames();
        SymbolicTensor image = Input.of("pixels", 8), side = Input.of("side", 2);
        SymbolicTensor h = Dense.of(4, Activation.RELU).call(new Concatenate().call(image, side));
        SymbolicTensor r = new Add().call(h, Dense.of(4).call(h));
        Functional model = Model.of(List.of(image, side), Map.of("main", Dense.of(3, Activation.SOFTMAX).call(r), "aux", Dense.of(1).call(r)));
        Path file = dir.resolve("graph.nabla");
        ModelFile.save(file, model);

        Path onnx = dir.resolve("graph.onnx");
        CliTest.Run export = CliTest.inProcess("export", file.toString(), "--onnx", onnx.toString());
        assertThat(export.exit()).as(export.err()).isZero();
        assertThat(export.out()).contains("Wrote " + onnx + " (inputs 'pixels', 'side', outputs 'aux', 'main', batch dimension 'batch')");
        // The file the library writes for the loaded model, byte for byte (ONNX Runtime checks that export itself).
        assertThat(Files.readAllBytes(onnx)).isEqualTo(OnnxExporter.toBytes(ModelFile.load(file).model()));
    }
}
