package dev.nabla.examples;

import dev.nabla.data.Dataset;
import dev.nabla.data.Datasets;
import dev.nabla.nn.Activation;
import dev.nabla.nn.Dense;
import dev.nabla.nn.Initializer;
import dev.nabla.nn.Initializers;
import dev.nabla.optim.Optimizer;
import dev.nabla.optim.Optimizers;
import dev.nabla.tensor.Tensor;
import dev.nabla.train.Sequential;

/**
 * Tutorial 2 (workload W1): XOR with a 2-3-1 sigmoid network, weights and biases U(-1, 1), plain gradient descent
 * with lr 0.5 for 2500 iterations on the loss summed over the four rows of (y - a)^2 / 2 (whose gradient is a - y
 * per row, as the tutorial derives by hand); the mean of that loss per row is the cost curve.
 */
public final class Xor {

    public record Result(double[] costs, Tensor predictions) {}

    private Xor() {}

    public static Result run(long seed, int iterations) {
        Dataset xor = Datasets.xor();
        Initializer uniform = Initializers.uniform(-1, 1);
        Sequential model = Sequential.of(
                new Dense(null, 3, Activation.SIGMOID, uniform, uniform, true),
                new Dense(null, 1, Activation.SIGMOID, uniform, uniform, true));
        model.seed(seed);
        Optimizer gd = Optimizers.sgd(0.5).parameters(model::trainableParameters);
        double[] costs = new double[iterations];
        for (int i = 0; i < iterations; i++) {
            Tensor a = model.apply(xor.x());
            Tensor loss = a.sub(xor.y()).square().mul(0.5f).sum();
            gd.zeroGrad();
            loss.backward();
            gd.step();
            costs[i] = loss.item() / 4;
        }
        return new Result(costs, model.predict(xor.x()));
    }

    public static void main(String[] args) {
        Result r = run(1, 2500);
        for (int i = 0; i < r.costs().length; i += 250) System.out.printf("iteration %4d  cost %.6f%n", i, r.costs()[i]);
        System.out.println("predictions for 00, 01, 10, 11:\n" + r.predictions());
    }
}
