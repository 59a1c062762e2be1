package dev.nabla.examples;

import dev.nabla.data.Dataset;
import dev.nabla.nn.Activation;
import dev.nabla.nn.Concatenate;
import dev.nabla.nn.Dense;
import dev.nabla.nn.Input;
import dev.nabla.nn.SymbolicTensor;
import dev.nabla.nn.losses.Losses;
import dev.nabla.optim.Optimizers;
import dev.nabla.tensor.Tensor;
import dev.nabla.train.FitOptions;
import dev.nabla.train.Functional;
import dev.nabla.train.History;
import dev.nabla.train.Model;
import dev.nabla.train.metrics.Metrics;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A model with two inputs on a Fashion-MNIST subset: the image (784 pixels / 255) and a numeric side feature, the
 * image's mean brightness. The side feature is computed from each image's pixels alone, never from its label: it
 * stands for the numbers that often come with an image (a size, a reading), and shows how a second input is fed by
 * name. The image goes through a hidden layer, the side feature joins it (Concatenate), and a softmax head reads both.
 * The example trains, evaluates, saves, loads the file back (no registration) and predicts with the loaded model.
 */
public final class FashionTwoInputs {

    /** The history, the test loss and accuracy, and the predictions of the trained and of the loaded model. */
    public record Result(History history, Map<String, Double> test, Tensor predicted, Tensor predictedAfterLoading) {}

    private FashionTwoInputs() {}

    public static Functional model() {
        SymbolicTensor image = Input.of("image", 784), brightness = Input.of("brightness", 1);
        SymbolicTensor seen = Dense.of(64, Activation.RELU).call(image);
        SymbolicTensor both = new Concatenate().call(seen, brightness);
        SymbolicTensor classes = Dense.of(10).call(Dense.of(32, Activation.RELU).call(both));
        return Model.of(List.of(image, brightness), classes);
    }

    /** Each image's mean pixel value, [n, 1]: the side input. */
    public static Tensor meanBrightness(Tensor images) {
        int n = images.dim(0), pixels = images.size() / n;
        float[] px = images.data(), mean = new float[n];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int j = 0; j < pixels; j++) s += px[i * pixels + j];
            mean[i] = (float) (s / pixels);
        }
        return Tensor.of(mean, n, 1);
    }

    /** The inputs by name for the rows of {@code d}. */
    static Map<String, Tensor> inputs(Dataset d) {
        return Map.of("image", d.x(), "brightness", meanBrightness(d.x()));
    }

    /** Trains on {@code trainRows} training images for {@code epochs} epochs; the model file goes into {@code dir}. */
    public static Result run(int trainRows, int testRows, int epochs, long seed, Path dir) {
        Dataset[] d = FashionMnist.firstRows(trainRows, testRows);
        Map<String, Tensor> trainX = inputs(d[0]), testX = inputs(d[1]);
        Tensor trainY = d[0].y(), testY = d[1].y();

        Functional model = model().seed(seed);
        model.compile(Optimizers.adam(1e-3), Losses.sparseCategoricalCrossentropy(true), Metrics.accuracy());
        String output = model.outputNames().get(0);
        History h = model.fit(trainX, Map.of(output, trainY), FitOptions.epochs(epochs).batchSize(64).seed(seed).validationSplit(0.1));
        Map<String, Double> test = model.evaluate(testX, Map.of(output, testY));

        Model loaded = FashionMnist.saveAndLoad(model, dir.resolve("fashion-two-inputs.nabla"));
        return new Result(h, test, model.predict(testX).get(output), loaded.predict(testX).get(output));
    }

    public static void main(String[] args) throws Exception {
        Result r = run(5000, 1000, 5, 1, Files.createTempDirectory("nabla-two-inputs"));
        System.out.printf("test %s; the loaded model predicts the same: %b%n", r.test(),
                java.util.Arrays.equals(r.predicted().data(), r.predictedAfterLoading().data()));
    }
}
