package dev.nabla.cli;

import dev.nabla.onnx.OnnxImporter;
import dev.nabla.tensor.Rng;
import dev.nabla.tensor.Tensor;
import dev.nabla.train.ModelFile;
import dev.nabla.train.Model;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import static dev.nabla.cli.CliTest.inProcess;
import static org.assertj.core.api.Assertions.assertThat;

class ImportCommandTest {

    /** PyTorch's 4 -> 16 -> 8 -> 3 softmax MLP, from the ONNX module's test fixtures. */
    private static final Path MLP = Path.of("..", "nabla-onnx", "src", "test", "resources", "onnx", "mlp.onnx");

    @TempDir
    Path dir;

    private Path csv() throws Exception {
        StringBuilder s = new StringBuilder("a,b,c,d,y\n");
        Rng rng = new Rng(3);
        for (int i = 0; i < 40; i++) {
            float a = (float) rng.nextGaussian(), b = (float) rng.nextGaussian();
            s.append(String.format(Locale.ROOT, "%.4f,%.4f,%.4f,%.4f,%d%n", a, b, rng.nextGaussian(), rng.nextGaussian(), a > 0.5 ? 2 : b > 0 ? 1 : 0));
        }
        Path csv = dir.resolve("rows.csv");
        Files.writeString(csv, s.toString());
        return csv;
    }

    @Test
    void anImportedPytorchMlpIsSummarisedPredictsEvaluatesAndFineTunes() throws Exception {
        Path model = dir.resolve("mlp.nabla");
        CliTest.Run imported = inProcess("import", MLP.toString(), "--out", model.toString(), "--target", "y");
        assertThat(imported.exit()).as(imported.err()).isZero();
        assertThat(imported.out()).contains("Wrote " + model, "243 trainable parameters", "inputs [input], outputs [output]");
        // The file holds the imported weights: it predicts as the library's import does.
        Tensor x = Tensor.normal(new Rng(1), 0, 1, 5, 4);
        Model loaded = ModelFile.load(model).model(), direct = OnnxImporter.load(MLP);
        loaded.setTraining(false);
        direct.setTraining(false);
        assertThat(loaded.predict(x).allClose(direct.predict(x), 0, 0)).isTrue();

        Path csv = csv();
        CliTest.Run summary = inProcess("summary", model.toString());
        assertThat(summary.exit()).as(summary.err()).isZero();
        assertThat(summary.out()).contains("0 (Dense)                       [None, 16]         80  input", "Loss: sparse_categorical_crossentropy");
        CliTest.Run predict = inProcess("predict", model.toString(), "--data", csv.toString());
        assertThat(predict.exit()).as(predict.err()).isZero();
        assertThat(predict.out().lines()).hasSize(41);
        CliTest.Run evaluate = inProcess("evaluate", model.toString(), "--data", csv.toString());
        assertThat(evaluate.exit()).as(evaluate.err()).isZero();
        assertThat(evaluate.out()).contains("loss");
        CliTest.Run train = inProcess("train", "--resume", model.toString(), "--data", csv.toString(), "--target", "y", "--epochs", "3",
                "--out", dir.resolve("run").toString());
        assertThat(train.exit()).as(train.err()).isZero();
        assertThat(dir.resolve("run").resolve("model.nabla")).exists();
    }

    @Test
    void aBadOnnxFileIsRefusedInOneLineAndNothingIsWritten() throws Exception {
        Path bad = dir.resolve("bad.onnx");
        Files.write(bad, new byte[] {0x3A, 0x7F, 0x01});
        Path out = dir.resolve("never.nabla");
        CliTest.Run r = inProcess("import", bad.toString(), "--out", out.toString());
        assertThat(r.exit()).isNotZero();
        assertThat(r.err().strip()).contains("bad.onnx: malformed protobuf at byte 1").doesNotContain("\n");
        assertThat(out).doesNotExist();
    }
}
