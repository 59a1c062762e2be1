package dev.nabla.examples;

import dev.nabla.autograd.Autograd;
import dev.nabla.autograd.NoGrad;
import dev.nabla.tensor.Tensor;

/**
 * Tutorial 4b: a layer of three ReLU neurons over a batch of three 4-feature inputs, an upstream gradient of ones,
 * and one step of lr 0.001 on weights and biases. The tutorial prints updated weights (transposed, [4, 3]) starting
 * [[0.1985 0.5005 -0.2615] ...] and biases [[1.997 2.998 0.497]].
 */
public final class LayerStep {

    public record Result(Tensor weights, Tensor biases) {}

    private LayerStep() {}

    public static Result run() {
        Tensor inputs = Tensor.of(new float[][] {{1, 2, 3, 2.5f}, {2, 5, -1, 2}, {-1.5f, 2.7f, 3.3f, -0.8f}});
        Tensor weights = Tensor.of(new float[][] {{0.2f, 0.8f, -0.5f, 1}, {0.5f, -0.91f, 0.26f, -0.5f}, {-0.26f, -0.27f, 0.17f, 0.87f}})
                .t().copy().requiresGrad(true); // [4, 3]: one column per neuron
        Tensor biases = Tensor.of(new float[][] {{2, 3, 0.5f}}).requiresGrad(true);
        Tensor out = inputs.matmul(weights).add(biases).relu();
        out.backward(Tensor.onesLike(out));
        try (NoGrad ignored = Autograd.noGrad()) {
            weights.addScaledInPlace(-0.001f, weights.grad());
            biases.addScaledInPlace(-0.001f, biases.grad());
        }
        return new Result(weights.detach(), biases.detach());
    }

    public static void main(String[] args) {
        Result r = run();
        System.out.println("weights after one step:\n" + r.weights());
        System.out.println("biases after one step:\n" + r.biases());
    }
}
