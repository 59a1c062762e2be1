package dev.nabla.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.nabla.explain.GradientCheck;
import dev.nabla.nn.losses.Losses;
import dev.nabla.optim.Optimizers;
import dev.nabla.tensor.Rng;
import dev.nabla.tensor.Tensor;
import dev.nabla.train.Functional;
import dev.nabla.train.Model;
import dev.nabla.train.ModelFile;
import dev.nabla.io.Json;
import dev.nabla.nn.Weight;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** An imported PyTorch CNN fine-tunes in Nabla, saves as .nabla, exports again, and ONNX Runtime agrees. */
class OnnxFineTuneTest {

    /**
     * The imported model's gradients of sum(model(x) * up) against PyTorch's in float64 (cnn_grad.json, made by
     * cnn_grad.py beside it), every element within 1e-4 of the weight's gradient scale; then the gradient checker.
     */
    private static void assertGradientsMatchPytorch(Functional model) throws Exception {
        Map<String, Object> ref = Json.parseObject(Files.readString(OnnxImportTest.fixture("cnn_grad.json")));
        Tensor x = OnnxImportTest.tensor(ref.get("x")), up = OnnxImportTest.tensor(ref.get("up"));
        @SuppressWarnings("unchecked")
        Map<String, List<Number>> grads = (Map<String, List<Number>>) ref.get("grads");
        model.setTraining(true);
        for (Weight w : model.weights()) w.value().zeroGrad();
        model.apply(x).mul(up).sum().backward();
        Map<String, String> onnxName = Map.of("0/kernel", "0.weight", "0/bias", "0.bias", "4/kernel", "4.weight", "4/bias", "4.bias",
                "8/kernel", "8.weight", "8/bias", "8.bias");
        for (Weight w : model.weights()) {
            List<Number> expected = grads.get(onnxName.get(w.name()));
            float[] got = w.value().grad().data();
            // Dense keeps its kernel [in, out]; PyTorch's Linear weight is [out, in].
            boolean transposed = w.name().equals("8/kernel");
            double scale = expected.stream().mapToDouble(v -> Math.abs(v.doubleValue())).max().orElseThrow();
            assertThat(got.length).isEqualTo(expected.size());
            for (int i = 0; i < got.length; i++) {
                int j = transposed ? (i % 5) * 24 + i / 5 : i;
                assertThat((double) got[i]).as("%s[%d]", w.name(), i).isCloseTo(expected.get(j).doubleValue(), Offset.offset(1e-4 * scale));
            }
        }
        for (GradientCheck.Result r : GradientCheck.of(model, () -> model.apply(x).mul(up).sum(), 8)) {
            assertThat(r.passed()).as(r.toString()).isTrue();
        }
    }

    @Test
    void theImportedCnnFineTunesSavesAndExportsAgain(@TempDir Path dir) throws Exception {
        Functional model = OnnxImporter.load(OnnxImportTest.fixture("cnn.onnx"));
        assertGradientsMatchPytorch(model);
        assertFineTunesSavesAndExportsAgain(model, Tensor.normal(new Rng(1), 0, 1, 8, 1, 12, 12), Tensor.normal(new Rng(2), 0, 1, 8, 5), dir);
    }

    /** The imported encoder (its attention one MultiHeadAttention) passes the gradient checker and fine-tunes as the CNN. */
    @Test
    void theImportedTransformerFineTunesSavesAndExportsAgain(@TempDir Path dir) throws Exception {
        Functional model = OnnxImporter.load(OnnxImportTest.fixture("transformer_encoder.onnx"));
        Tensor x = Tensor.normal(new Rng(3), 0, 1, 6, 5, 8), up = Tensor.normal(new Rng(4), 0, 1, 6, 4);
        model.setTraining(true);
        for (GradientCheck.Result r : GradientCheck.of(model, () -> model.apply(x).mul(up).sum(), 8)) {
            assertThat(r.passed()).as(r.toString()).isTrue();
        }
        assertFineTunesSavesAndExportsAgain(model, x, Tensor.normal(new Rng(5), 0, 1, 6, 4), dir);
    }

    /** A few Adam steps lower the loss; the tuned model saves, loads, exports, and ONNX Runtime predicts what it does. */
    private static void assertFineTunesSavesAndExportsAgain(Functional model, Tensor x, Tensor y, Path dir) throws Exception {
        model.compile(Optimizers.adam(0.01), Losses.mse());
        float first = model.trainStep(x, y), last = first;
        for (int step = 0; step < 15; step++) last = model.trainStep(x, y);
        assertThat(last).isLessThan(0.7f * first);

        Path saved = dir.resolve("tuned.nabla");
        ModelFile.save(saved, model);
        Model loaded = ModelFile.load(saved).model();
        model.setTraining(false);
        loaded.setTraining(false);
        Tensor tuned = model.predict(x);
        OnnxImportTest.assertClose(loaded.predict(x), tuned);

        OrtEnvironment ort = OrtEnvironment.getEnvironment();
        long[] shape = java.util.Arrays.stream(x.shape()).asLongStream().toArray();
        try (OrtSession session = ort.createSession(OnnxExporter.toBytes(loaded), new OrtSession.SessionOptions());
             OnnxTensor input = OnnxTensor.createTensor(ort, FloatBuffer.wrap(x.data()), shape);
             OrtSession.Result result = session.run(Map.of("input", input))) {
            float[] out = new float[tuned.size()];
            ((OnnxTensor) result.get(0)).getFloatBuffer().get(out);
            OnnxImportTest.assertClose(Tensor.of(out, tuned.shape()), tuned);
        }
    }
}
