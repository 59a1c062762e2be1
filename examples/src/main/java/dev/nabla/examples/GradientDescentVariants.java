package dev.nabla.examples;

import dev.nabla.nn.Activation;
import dev.nabla.nn.Dense;
import dev.nabla.nn.Initializers;
import dev.nabla.nn.losses.Losses;
import dev.nabla.optim.Optimizer;
import dev.nabla.optim.Optimizers;
import dev.nabla.tensor.Tensor;
import dev.nabla.train.FitOptions;
import dev.nabla.train.History;
import dev.nabla.train.Sequential;

/**
 * Tutorial 5: full-batch, mini-batch and stochastic gradient descent side by side on six rows of streetlights
 * (walk or stop) with a single linear layer; then the 3-4-1 network (ReLU hidden layer, linear output, weights
 * U(-1, 1), no biases) trained one sample at a time with alpha 0.2 for 60 passes over the four-row table, whose
 * summed squared error ends near zero.
 */
public final class GradientDescentVariants {

    static final Tensor LIGHTS = Tensor.of(new float[][] {{1, 0, 1}, {0, 1, 1}, {0, 0, 1}, {1, 1, 1}, {0, 1, 1}, {1, 0, 1}});
    static final Tensor WALK = Tensor.of(new float[][] {{0}, {1}, {0}, {1}, {1}, {0}});

    public record Result(History fullBatch, History miniBatch, History stochastic, double[] threeFourOneErrors) {}

    private GradientDescentVariants() {}

    private static History linear(int batchSize, long seed) {
        Sequential model = Sequential.of(new Dense(null, 1, Activation.LINEAR, Initializers.uniform(-1, 1), Initializers.zeros(), false));
        model.seed(seed);
        model.compile(Optimizers.sgd(0.1), Losses.mse());
        return model.fit(LIGHTS, WALK, FitOptions.epochs(40).batchSize(batchSize).shuffle(false));
    }

    /** Per-sample training of 3-4-1 on the first four rows; returns the summed squared error of each pass. */
    public static double[] threeFourOne(long seed, int passes) {
        Tensor x = LIGHTS.slice(0, 0, 4), y = Tensor.of(new float[][] {{1}, {1}, {0}, {0}});
        Sequential model = Sequential.of(
                new Dense(null, 4, Activation.RELU, Initializers.uniform(-1, 1), Initializers.zeros(), false),
                new Dense(null, 1, Activation.LINEAR, Initializers.uniform(-1, 1), Initializers.zeros(), false));
        model.seed(seed);
        Optimizer opt = Optimizers.sgd(0.2).parameters(model::trainableParameters);
        double[] errors = new double[passes];
        for (int pass = 0; pass < passes; pass++) {
            double sse = 0;
            for (int i = 0; i < 4; i++) {
                Tensor out = model.apply(x.slice(0, i, i + 1));
                Tensor error = out.sub(y.slice(0, i, i + 1)).square().sum();
                sse += error.item();
                opt.zeroGrad();
                error.mul(0.5f).backward(); // the tutorial's delta is (out - y): the gradient of half the squared error
                opt.step();
            }
            errors[pass] = sse;
        }
        return errors;
    }

    public static Result run(long seed) {
        return new Result(linear(FitOptions.FULL_BATCH, seed), linear(2, seed), linear(1, seed), threeFourOne(seed, 60));
    }

    public static void main(String[] args) {
        Result r = run(7);
        System.out.printf("full batch  loss %.4f -> %.4f%n", r.fullBatch().get("loss").get(0), r.fullBatch().last("loss"));
        System.out.printf("mini-batch  loss %.4f -> %.4f%n", r.miniBatch().get("loss").get(0), r.miniBatch().last("loss"));
        System.out.printf("stochastic  loss %.4f -> %.4f%n", r.stochastic().get("loss").get(0), r.stochastic().last("loss"));
        double[] e = r.threeFourOneErrors();
        for (int i = 9; i < e.length; i += 10) System.out.printf("3-4-1 pass %2d  error %.6f%n", i + 1, e[i]);
    }
}
