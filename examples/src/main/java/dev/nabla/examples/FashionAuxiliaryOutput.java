package dev.nabla.examples;

import dev.nabla.data.Dataset;
import dev.nabla.nn.Activation;
import dev.nabla.nn.Dense;
import dev.nabla.nn.Input;
import dev.nabla.nn.Loss;
import dev.nabla.nn.SymbolicTensor;
import dev.nabla.nn.losses.Losses;
import dev.nabla.optim.Optimizers;
import dev.nabla.tensor.Tensor;
import dev.nabla.train.FitOptions;
import dev.nabla.train.Functional;
import dev.nabla.train.History;
import dev.nabla.train.Model;
import dev.nabla.train.metrics.Metric;
import dev.nabla.train.metrics.Metrics;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A model with a main and an auxiliary output on a Fashion-MNIST subset, as in Keras's guide to the functional API:
 * the main output classifies the image after two hidden layers, the auxiliary output classifies it already from
 * the first hidden layer. The auxiliary loss counts a fifth as much (loss weights main 1, aux 0.2): it pushes the
 * first layer towards features that separate the classes on their own. The history logs {@code main_loss},
 * {@code aux_loss}, {@code main_accuracy}, {@code aux_accuracy} and the weighted total {@code loss}. The example
 * trains, evaluates, saves, loads the file back (no registration) and predicts with the loaded model.
 */
public final class FashionAuxiliaryOutput {

    /** The history, the test numbers and the predictions (by output name) of the trained and of the loaded model. */
    public record Result(History history, Map<String, Double> test, Map<String, Tensor> predicted, Map<String, Tensor> predictedAfterLoading) {}

    public static final Map<String, Double> LOSS_WEIGHTS = Map.of("main", 1.0, "aux", 0.2);

    private FashionAuxiliaryOutput() {}

    public static Functional model() {
        SymbolicTensor image = Input.of("image", 784);
        SymbolicTensor first = Dense.of(64, Activation.RELU).call(image);
        SymbolicTensor main = Dense.of(10).call(Dense.of(32, Activation.RELU).call(first));
        SymbolicTensor aux = Dense.of(10).call(first);
        return Model.of(List.of(image), Map.of("main", main, "aux", aux));
    }

    /** Trains on {@code trainRows} training images for {@code epochs} epochs; the model file goes into {@code dir}. */
    public static Result run(int trainRows, int testRows, int epochs, long seed, Path dir) {
        Dataset[] d = FashionMnist.firstRows(trainRows, testRows);
        Map<String, Tensor> trainX = Map.of("image", d[0].x()), testX = Map.of("image", d[1].x());
        Tensor trainLabels = d[0].y(), testLabels = d[1].y();
        // Both outputs predict the class.
        Map<String, Tensor> trainY = Map.of("main", trainLabels, "aux", trainLabels), testY = Map.of("main", testLabels, "aux", testLabels);

        Functional model = model().seed(seed);
        Loss loss = Losses.sparseCategoricalCrossentropy(true);
        model.compile(Optimizers.adam(1e-3), Map.of("main", loss, "aux", loss), LOSS_WEIGHTS,
                Map.of("main", List.<Metric>of(Metrics.accuracy()), "aux", List.<Metric>of(Metrics.accuracy())));
        History h = model.fit(trainX, trainY, FitOptions.epochs(epochs).batchSize(64).seed(seed).validationSplit(0.1));
        Map<String, Double> test = model.evaluate(testX, testY);

        Model loaded = FashionMnist.saveAndLoad(model, dir.resolve("fashion-aux.nabla"));
        return new Result(h, test, model.predict(testX), loaded.predict(testX));
    }

    public static void main(String[] args) throws Exception {
        Result r = run(5000, 1000, 5, 1, Files.createTempDirectory("nabla-aux"));
        System.out.printf("test %s%n", r.test());
    }
}
