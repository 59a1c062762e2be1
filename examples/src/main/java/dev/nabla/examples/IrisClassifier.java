package dev.nabla.examples;

import dev.nabla.data.Dataset;
import dev.nabla.data.Datasets;
import dev.nabla.nn.Activation;
import dev.nabla.nn.Dense;
import dev.nabla.nn.Loss;
import dev.nabla.nn.losses.Losses;
import dev.nabla.optim.Optimizer;
import dev.nabla.optim.Optimizers;
import dev.nabla.tensor.Tensor;
import dev.nabla.train.FitOptions;
import dev.nabla.train.History;
import dev.nabla.train.Sequential;
import dev.nabla.train.metrics.Metrics;

/**
 * Tutorial 1 (workload W2): Iris with a 4-32 relu -3 softmax network (Glorot-uniform weights, zero biases), SGD
 * lr 0.01, 1000 full-batch epochs on the 120 training rows (unscaled), tested on the other 30. Written twice: with
 * {@code fit}, and as a custom training loop; both print the loss every 100 epochs.
 */
public final class IrisClassifier {

    public record Result(double[] lossEvery100, double finalLoss, double testAccuracy) {}

    private IrisClassifier() {}

    private static Sequential model(long seed) {
        Sequential model = Sequential.of(Dense.of(32, Activation.RELU), Dense.of(3, Activation.SOFTMAX));
        model.seed(seed);
        return model;
    }

    /** Keras style: compile and fit. */
    public static Result withFit(long seed) {
        return withFit(seed, Datasets.irisTrain(), Datasets.irisTest());
    }

    public static Result withFit(long seed, Dataset train, Dataset test) {
        Sequential model = model(seed);
        model.compile(Optimizers.sgd(0.01), Losses.sparseCategoricalCrossentropy(false), Metrics.accuracy());
        History h = model.fit(train.x(), train.y(), FitOptions.epochs(1000).batchSize(FitOptions.FULL_BATCH).shuffle(false));
        double[] every100 = new double[10];
        for (int i = 0; i < 10; i++) every100[i] = h.get("loss").get(i * 100);
        return new Result(every100, h.last("loss"), model.evaluate(test.x(), test.y()).get("accuracy"));
    }

    /** PyTorch style: the same training as a loop. */
    public static Result withLoop(long seed) {
        return withLoop(seed, Datasets.irisTrain(), Datasets.irisTest());
    }

    public static Result withLoop(long seed, Dataset train, Dataset test) {
        Sequential model = model(seed);
        Loss lossFn = Losses.sparseCategoricalCrossentropy(false);
        Optimizer opt = Optimizers.sgd(0.01).parameters(model::trainableParameters);
        double[] every100 = new double[10];
        double last = Double.NaN;
        for (int epoch = 0; epoch < 1000; epoch++) {
            Tensor loss = lossFn.apply(train.y(), model.apply(train.x()));
            opt.zeroGrad();
            loss.backward();
            opt.step();
            last = loss.item();
            if (epoch % 100 == 0) every100[epoch / 100] = last;
        }
        Tensor predicted = model.predict(test.x()).argmax(1);
        double correct = 0;
        for (int i = 0; i < test.size(); i++) if (predicted.get(i) == test.y().get(i)) correct++;
        return new Result(every100, last, correct / test.size());
    }

    public static void main(String[] args) {
        for (Result r : new Result[] {withFit(42), withLoop(42)}) {
            for (int i = 0; i < 10; i++) System.out.printf("epoch %4d  loss %.4f%n", i * 100, r.lossEvery100()[i]);
            System.out.printf("test accuracy %.3f%n%n", r.testAccuracy());
        }
    }
}
