package dev.nabla.examples;

import dev.nabla.autograd.Autograd;
import dev.nabla.autograd.NoGrad;
import dev.nabla.tensor.Tensor;

/**
 * Tutorial 4a: one ReLU neuron, y = relu(w . x + b), its gradients by backprop, and one gradient-descent step.
 * Expected: output 6.0; dy/dw = x = [1, -2, 3]; dy/dx = w = [-3, -1, 2]; dy/db = 1; after a step of lr 0.001,
 * output 5.985.
 */
public final class SingleNeuron {

    public record Result(float output, Tensor gradW, Tensor gradX, float gradB, float outputAfterStep) {}

    private SingleNeuron() {}

    public static Result run() {
        Tensor x = Tensor.vector(1, -2, 3).requiresGrad(true);
        Tensor w = Tensor.vector(-3, -1, 2).requiresGrad(true);
        Tensor b = Tensor.scalar(1).requiresGrad(true);
        Tensor y = w.mul(x).sum().add(b).relu();
        y.backward();
        Result partial = new Result(y.item(), w.grad().copy(), x.grad().copy(), b.grad().item(), Float.NaN);
        try (NoGrad ignored = Autograd.noGrad()) {
            w.addScaledInPlace(-0.001f, w.grad());
            b.addScaledInPlace(-0.001f, b.grad());
            float after = w.mul(x).sum().add(b).relu().item();
            return new Result(partial.output(), partial.gradW(), partial.gradX(), partial.gradB(), after);
        }
    }

    public static void main(String[] args) {
        Result r = run();
        System.out.println("output " + r.output());
        System.out.println("dy/dw " + r.gradW());
        System.out.println("dy/dx " + r.gradX());
        System.out.println("dy/db " + r.gradB());
        System.out.println("output after one step of lr 0.001: " + r.outputAfterStep());
    }
}
