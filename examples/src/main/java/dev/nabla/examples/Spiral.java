package dev.nabla.examples;

import dev.nabla.data.Dataset;
import dev.nabla.data.Datasets;
import dev.nabla.data.OneHot;
import dev.nabla.nn.Activation;
import dev.nabla.nn.Dense;
import dev.nabla.nn.Initializers;
import dev.nabla.nn.losses.Losses;
import dev.nabla.optim.Optimizers;
import dev.nabla.train.FitOptions;
import dev.nabla.train.History;
import dev.nabla.train.Sequential;
import dev.nabla.train.metrics.Metrics;

/**
 * Tutorial 4c (workload W3): the nnfs spiral data (3 classes x 100 points), a 2-64 relu -3 softmax network with
 * 0.01 * randn weights and zero biases, categorical cross-entropy on one-hot targets, Adam lr 0.02, 2000
 * full-batch epochs.
 */
public final class Spiral {

    public record Result(double firstLoss, double lastLoss, double trainAccuracy) {}

    private Spiral() {}

    public static Result run(long seed, int epochs) {
        return run(seed, epochs, Datasets.spiralNnfs());
    }

    public static Result run(long seed, int epochs, Dataset d) {
        Sequential model = Sequential.of(
                new Dense(null, 64, Activation.RELU, Initializers.normal(0, 0.01), Initializers.zeros(), true),
                new Dense(null, 3, Activation.SOFTMAX, Initializers.normal(0, 0.01), Initializers.zeros(), true));
        model.seed(seed);
        model.compile(Optimizers.adam(0.02, 0.9, 0.999, 1e-8), Losses.categoricalCrossentropy(false), Metrics.accuracy());
        History h = model.fit(d.x(), OneHot.encode(d.y(), 3), FitOptions.epochs(epochs).batchSize(FitOptions.FULL_BATCH).shuffle(false));
        return new Result(h.get("loss").get(0), h.last("loss"), h.last("accuracy"));
    }

    public static void main(String[] args) {
        Result r = run(3, 2000);
        System.out.printf("loss %.4f -> %.4f, training accuracy %.3f%n", r.firstLoss(), r.lastLoss(), r.trainAccuracy());
    }
}
