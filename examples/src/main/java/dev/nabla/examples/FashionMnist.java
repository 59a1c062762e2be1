package dev.nabla.examples;

import dev.nabla.data.Dataset;
import dev.nabla.data.IdxReader;
import dev.nabla.nn.Activation;
import dev.nabla.nn.Conv2D;
import dev.nabla.nn.Dense;
import dev.nabla.nn.Flatten;
import dev.nabla.nn.MaxPool2D;
import dev.nabla.nn.Padding;
import dev.nabla.nn.losses.Losses;
import dev.nabla.optim.Optimizers;
import dev.nabla.train.Callback;
import dev.nabla.train.FitOptions;
import dev.nabla.train.History;
import dev.nabla.train.Model;
import dev.nabla.train.ModelFile;
import dev.nabla.train.Sequential;
import dev.nabla.train.metrics.Metrics;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Workloads W4 and W5 on Fashion-MNIST (60k training and 10k test images, pixels / 255): the MLP 784-256-128-10 and
 * the CNN conv3x3(32)-pool-conv3x3(64)-pool-128-10, both trained with Adam lr 1e-3 on softmax cross-entropy from
 * logits, batch 128, reshuffled every epoch.
 */
public final class FashionMnist {

    public record Result(History history, double testAccuracy, List<Double> epochSeconds) {
        /** The median epoch time after the first epoch (the JIT's warm-up), as WORKLOADS.md times W4 and W5. */
        public double warmEpochSeconds() {
            double[] s = epochSeconds.subList(1, epochSeconds.size()).stream().mapToDouble(Double::doubleValue).sorted().toArray();
            return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
        }
    }

    private FashionMnist() {}

    public static Sequential mlp() {
        return Sequential.of(Dense.of(256, Activation.RELU), Dense.of(128, Activation.RELU), Dense.of(10));
    }

    public static Sequential cnn() {
        return Sequential.of(
                new Conv2D(32, 3, 1, Padding.VALID, true, Activation.RELU), new MaxPool2D(2, 2),
                new Conv2D(64, 3, 1, Padding.VALID, true, Activation.RELU), new MaxPool2D(2, 2),
                new Flatten(), Dense.of(128, Activation.RELU), Dense.of(10));
    }

    /** The first {@code trainRows} training and {@code testRows} test images, flat (784 pixels / 255): {train, test}. */
    static Dataset[] firstRows(int trainRows, int testRows) {
        Dataset[] d = IdxReader.fashionMnist(IdxReader.FASHION_MNIST_DIR, false);
        return new Dataset[] {first(d[0], trainRows), first(d[1], testRows)};
    }

    private static Dataset first(Dataset d, int n) {
        return new Dataset(d.x().slice(0, 0, n).detach(), d.y().slice(0, 0, n).detach(), d.classNames());
    }

    /** Saves {@code model} to {@code file} and loads the file back (no registration needed). */
    static Model saveAndLoad(Model model, Path file) {
        ModelFile.save(file, model);
        return ModelFile.load(file).model();
    }

    /** Trains {@code model} for {@code epochs} epochs; images as [n, 1, 28, 28] for a CNN, else flat. */
    public static Result train(Model model, boolean images, int epochs, long seed, boolean verbose) {
        return train(model, IdxReader.fashionMnist(IdxReader.FASHION_MNIST_DIR, images), epochs, seed, verbose);
    }

    /** {@code d} is {train, test}. */
    public static Result train(Model model, Dataset[] d, int epochs, long seed, boolean verbose) {
        return train(model, d, epochs, seed, verbose, (m, train, options) -> m.fit(train.x(), train.y(), options));
    }

    /** How the compiled model is fitted: in this process, or elsewhere (e.g. on Spark) with the same options. */
    public interface Fitter {
        History fit(Model model, Dataset train, FitOptions options);
    }

    /** As {@link #train(Model, Dataset[], int, long, boolean)}, fitted by {@code fitter}. */
    public static Result train(Model model, Dataset[] d, int epochs, long seed, boolean verbose, Fitter fitter) {
        model.seed(seed);
        model.compile(Optimizers.adam(1e-3), Losses.sparseCategoricalCrossentropy(true), Metrics.accuracy());
        List<Double> seconds = new ArrayList<>();
        Callback timer = new Callback() {
            private long start;

            @Override
            public void onEpochBegin(int epoch) {
                start = System.nanoTime();
            }

            @Override
            public void onEpochEnd(int epoch, Map<String, Double> logs) {
                seconds.add((System.nanoTime() - start) / 1e9);
            }
        };
        History h = fitter.fit(model, d[0], FitOptions.epochs(epochs).batchSize(128).seed(seed).verbose(verbose).callbacks(timer));
        return new Result(h, model.evaluate(d[1].x(), d[1].y()).get("accuracy"), seconds);
    }

    public static void main(String[] args) {
        boolean cnn = args.length > 0 && args[0].equalsIgnoreCase("cnn");
        Result r = cnn ? train(cnn(), true, 2, 1, true) : train(mlp(), false, 5, 1, true);
        System.out.printf("test accuracy %.4f; seconds per epoch %s%n", r.testAccuracy(), r.epochSeconds());
    }
}
