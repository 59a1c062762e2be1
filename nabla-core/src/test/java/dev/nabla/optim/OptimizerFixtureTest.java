package dev.nabla.optim;

import dev.nabla.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static dev.nabla.testing.Fixtures.assertClose;
import static dev.nabla.testing.Fixtures.tensor;

/** Six steps of each optimizer on f(w) = sum(c w^2)/2 + sum(s w), against PyTorch's weights after every step. */
class OptimizerFixtureTest {

    static Optimizer named(String name) {
        return switch (name) {
            case "sgd_lr0.1" -> Optimizers.sgd(0.1f);
            case "sgd_lr0.1_momentum0.9" -> Optimizers.sgd(0.1f, 0.9f, false, 0);
            case "sgd_lr0.1_momentum0.9_nesterov" -> Optimizers.sgd(0.1f, 0.9f, true, 0);
            case "adagrad_lr0.1_eps1e-10" -> Optimizers.adagrad(0.1f);
            case "rmsprop_lr0.01_alpha0.99_eps1e-8" -> Optimizers.rmsprop(0.01f);
            case "adam_lr0.1_b0.9_0.999_eps1e-8" -> Optimizers.adam(0.1f, 0.9f, 0.999f, 1e-8f);
            case "adamw_lr0.1_b0.9_0.999_eps1e-8_wd0.01" -> Optimizers.adamW(0.1f, 0.01f);
            default -> throw new IllegalArgumentException(name);
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"sgd_lr0.1", "sgd_lr0.1_momentum0.9", "sgd_lr0.1_momentum0.9_nesterov", "adagrad_lr0.1_eps1e-10",
            "rmsprop_lr0.01_alpha0.99_eps1e-8", "adam_lr0.1_b0.9_0.999_eps1e-8", "adamw_lr0.1_b0.9_0.999_eps1e-8_wd0.01"})
    void sixStepsMatchPyTorch(String name) {
        Tensor w = tensor("optimizers", "w0").requiresGrad(true);
        Tensor c = tensor("optimizers", "c"), s = tensor("optimizers", "s");
        Tensor expected = tensor("optimizers", name);
        Optimizer opt = named(name).parameters(java.util.List.of(w));
        for (int step = 0; step < 6; step++) {
            Tensor f = c.mul(w.square()).sum().mul(0.5f).add(s.mul(w).sum());
            opt.zeroGrad();
            f.backward();
            opt.step();
            assertClose(name + " after step " + (step + 1), w.detach(), expected.slice(0, step, step + 1).reshape(w.shape()), 1e-4, 1e-5);
        }
    }
}
