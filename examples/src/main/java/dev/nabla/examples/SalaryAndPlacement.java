package dev.nabla.examples;

import dev.nabla.data.Dataset;
import dev.nabla.data.Datasets;
import dev.nabla.nn.Activation;
import dev.nabla.nn.Dense;
import dev.nabla.nn.Initializers;
import dev.nabla.nn.losses.Losses;
import dev.nabla.optim.Optimizers;
import dev.nabla.tensor.Tensor;
import dev.nabla.train.FitOptions;
import dev.nabla.train.History;
import dev.nabla.train.Sequential;

import java.util.List;

/**
 * Tutorial 3: the salary regression (cgpa, resume score -> lpa) with a 2-2-1 linear network started from weights
 * 0.1 and biases 0 and trained one sample at a time by gradient descent; the same data with Adam lr 0.01, batch
 * 1, 75 epochs after putting the starting weights back with setWeights; and the placement classifier, 2-2-1 sigmoid
 * with binary cross-entropy. Each prints its weights with getWeights.
 */
public final class SalaryAndPlacement {

    public record Result(History sgd, History adam, History placement, List<Tensor> salaryWeights, List<Tensor> placementWeights) {}

    private SalaryAndPlacement() {}

    private static Sequential network(Activation activation) {
        return Sequential.of(
                new Dense(null, 2, activation, Initializers.constant(0.1), Initializers.zeros(), true),
                new Dense(null, 1, activation, Initializers.constant(0.1), Initializers.zeros(), true));
    }

    public static Result run() {
        Dataset salary = Datasets.salary();
        Sequential model = network(Activation.LINEAR);
        model.buildFor(1, 2);
        List<Tensor> start = model.getWeights();
        model.compile(Optimizers.sgd(0.001), Losses.mse());
        History sgd = model.fit(salary.x(), salary.y(), FitOptions.epochs(75).batchSize(1).shuffle(false));

        model.setWeights(start);
        model.compile(Optimizers.adam(0.01), Losses.mse());
        History adam = model.fit(salary.x(), salary.y(), FitOptions.epochs(75).batchSize(1).shuffle(false));

        Dataset placement = Datasets.placement();
        Sequential classifier = network(Activation.SIGMOID);
        classifier.compile(Optimizers.sgd(0.1), Losses.binaryCrossentropy(false));
        History placed = classifier.fit(placement.x(), placement.y(), FitOptions.epochs(50).batchSize(1).shuffle(false));
        return new Result(sgd, adam, placed, model.getWeights(), classifier.getWeights());
    }

    public static void main(String[] args) {
        Result r = run();
        System.out.printf("salary, per-sample GD: loss %.4f -> %.4f%n", r.sgd().get("loss").get(0), r.sgd().last("loss"));
        System.out.printf("salary, Adam:          loss %.4f -> %.4f%n", r.adam().get("loss").get(0), r.adam().last("loss"));
        System.out.println("salary weights: " + r.salaryWeights());
        System.out.printf("placement, BCE:        loss %.4f -> %.4f%n", r.placement().get("loss").get(0), r.placement().last("loss"));
        System.out.println("placement weights: " + r.placementWeights());
    }
}
