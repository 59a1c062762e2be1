package dev.nabla.examples;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.nabla.data.IdxReader;
import dev.nabla.tensor.Tensor;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ResidualMlpTest {

    @Test
    void aResidualMlpTrainsSavesLoadsPredictsTheSameAndRunsInOnnxRuntime(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(IdxReader.FASHION_MNIST_DIR), "Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)");
        ResidualMlp.Result r = ResidualMlp.run(3000, 500, 3, 1, dir);
        System.out.printf("Residual MLP: test accuracy %.4f%n", r.testAccuracy());
        assertThat(r.testAccuracy()).isGreaterThan(0.7); // chance is 0.1
        assertThat(r.predictedAfterLoading().data()).containsExactly(r.predicted().data());

        Tensor testX = IdxReader.fashionMnist(IdxReader.FASHION_MNIST_DIR, false)[1].x().slice(0, 0, 500).detach();
        OrtEnvironment ort = OrtEnvironment.getEnvironment();
        try (OrtSession session = ort.createSession(Files.readAllBytes(r.onnx()), new OrtSession.SessionOptions());
             OnnxTensor input = OnnxTensor.createTensor(ort, FloatBuffer.wrap(testX.data()), new long[] {500, 784});
             OrtSession.Result result = session.run(Map.of("image", input))) {
            float[] onnx = new float[r.predicted().size()];
            ((OnnxTensor) result.get(0)).getFloatBuffer().get(onnx);
            float[] nabla = r.predicted().data();
            for (int i = 0; i < nabla.length; i++) {
                assertThat((double) Math.abs(onnx[i] - nabla[i])).as("logit %d", i).isLessThanOrEqualTo(1e-5 * Math.max(1, Math.abs(nabla[i])));
            }
        }
    }
}
