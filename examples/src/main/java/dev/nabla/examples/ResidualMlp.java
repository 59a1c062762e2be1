package dev.nabla.examples;

import dev.nabla.data.Dataset;
import dev.nabla.nn.Activation;
import dev.nabla.nn.Add;
import dev.nabla.nn.Dense;
import dev.nabla.nn.Input;
import dev.nabla.nn.LayerNormalization;
import dev.nabla.nn.SymbolicTensor;
import dev.nabla.nn.losses.Losses;
import dev.nabla.onnx.OnnxExporter;
import dev.nabla.optim.Optimizers;
import dev.nabla.tensor.Tensor;
import dev.nabla.train.FitOptions;
import dev.nabla.train.Functional;
import dev.nabla.train.History;
import dev.nabla.train.Model;
import dev.nabla.train.metrics.Metrics;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A residual MLP on a Fashion-MNIST subset (784 pixels / 255): a hidden layer, then two residual blocks, each
 * adding a two-layer detour to its input ({@code h + dense(relu(dense(h)))}, then a layer normalisation), and a
 * 10-class head on logits. A functional model: it trains, evaluates, saves, loads back with no registration,
 * predicts the same, and exports to ONNX with its input and output names.
 */
public final class ResidualMlp {

    /** The history, the test accuracy, the predictions of the trained and of the loaded model, the ONNX file. */
    public record Result(History history, double testAccuracy, Tensor predicted, Tensor predictedAfterLoading, Path onnx) {}

    private ResidualMlp() {}

    public static Functional model(int width, int blocks) {
        SymbolicTensor image = Input.of("image", 784);
        SymbolicTensor h = Dense.of(width, Activation.RELU).call(image);
        for (int b = 0; b < blocks; b++) {
            SymbolicTensor detour = Dense.of(width).call(Dense.of(width, Activation.RELU).call(h));
            h = new LayerNormalization().call(new Add().call(h, detour));
        }
        return Model.of(image, Dense.of(10).call(h));
    }

    /** Trains on the first {@code trainRows} training images; the model and ONNX files go into {@code dir}. */
    public static Result run(int trainRows, int testRows, int epochs, long seed, Path dir) {
        Dataset[] d = FashionMnist.firstRows(trainRows, testRows);
        Tensor trainX = d[0].x(), trainY = d[0].y(), testX = d[1].x(), testY = d[1].y();

        Functional model = model(64, 2).seed(seed);
        model.compile(Optimizers.adam(1e-3), Losses.sparseCategoricalCrossentropy(true), Metrics.accuracy());
        History h = model.fit(trainX, trainY, FitOptions.epochs(epochs).batchSize(64).seed(seed));
        double accuracy = model.evaluate(testX, testY).get("accuracy");

        Model loaded = FashionMnist.saveAndLoad(model, dir.resolve("residual-mlp.nabla"));
        Path onnx = dir.resolve("residual-mlp.onnx");
        OnnxExporter.export(loaded, onnx);
        return new Result(h, accuracy, model.predict(testX), loaded.predict(testX), onnx);
    }

    public static void main(String[] args) throws Exception {
        Result r = run(10000, 2000, 5, 1, Files.createTempDirectory("nabla-residual-mlp"));
        System.out.printf("test accuracy %.4f; the loaded model predicts the same: %b; ONNX file %s%n", r.testAccuracy(),
                Arrays.equals(r.predicted().data(), r.predictedAfterLoading().data()), r.onnx());
    }
}
