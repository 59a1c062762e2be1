package dev.nabla.optim;

import dev.nabla.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class OptimizerTest {

    private static void lossStep(Optimizer opt, Tensor w) {
        Tensor f = w.square().sum().add(w.mul(Tensor.vector(1, -2, 3)).sum());
        opt.zeroGrad();
        f.backward();
        opt.step();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sgd_lr0.1_momentum0.9_nesterov", "adagrad_lr0.1_eps1e-10", "rmsprop_lr0.01_alpha0.99_eps1e-8",
            "adam_lr0.1_b0.9_0.999_eps1e-8", "adamw_lr0.1_b0.9_0.999_eps1e-8_wd0.01"})
    void savedStateResumesWithIdenticalSteps(String name) {
        Tensor a = Tensor.vector(0.5f, -1, 2).requiresGrad(true);
        Optimizer first = OptimizerFixtureTest.named(name).parameters(List.of(a));
        for (int i = 0; i < 3; i++) lossStep(first, a);
        Map<String, Tensor> state = first.state(Map.of("a", a));
        Tensor b = a.detach().copy().requiresGrad(true);
        Optimizer resumed = Optimizers.fromConfig(first.config()).parameters(List.of(b));
        resumed.setIterations(first.iterations());
        resumed.loadState(state, Map.of("a", b));
        assertThat(resumed.iterations()).isEqualTo(3);
        for (int i = 0; i < 3; i++) {
            lossStep(first, a);
            lossStep(resumed, b);
        }
        assertThat(b.data()).containsExactly(a.data());
    }

    @Test
    void clippingByValueNormAndGlobalNorm() {
        Tensor w = Tensor.vector(0, 0).requiresGrad(true), v = Tensor.vector(0).requiresGrad(true);
        w.setGrad(Tensor.vector(3, -4));
        v.setGrad(Tensor.vector(12));
        Optimizers.sgd(1f).clipByValue(2f).parameters(List.of(w, v)).step();
        assertThat(w.data()).containsExactly(-2, 2);
        assertThat(v.data()).containsExactly(-2);

        w = Tensor.vector(0, 0).requiresGrad(true);
        w.setGrad(Tensor.vector(3, -4)); // norm 5
        Optimizers.sgd(1f).clipByNorm(1f).parameters(List.of(w)).step();
        assertThat(w.data()).containsExactly(new float[] {-0.6f, 0.8f}, within(1e-6f));

        w = Tensor.vector(0, 0).requiresGrad(true);
        v = Tensor.vector(0).requiresGrad(true);
        w.setGrad(Tensor.vector(3, -4));
        v.setGrad(Tensor.vector(12)); // global norm 13
        Optimizers.sgd(1f).clipByGlobalNorm(1.3f).parameters(List.of(w, v)).step();
        assertThat(w.data()).containsExactly(new float[] {-0.3f, 0.4f}, within(1e-6f));
        assertThat(v.data()).containsExactly(new float[] {-1.2f}, within(1e-6f));
    }

    @Test
    void schedulesGiveTheDocumentedRates() {
        assertThat(Schedules.step(1f, 10, 0.5f).at(25)).isEqualTo(0.25f);
        assertThat(Schedules.exponential(1f, 10, 0.5f).at(5)).isCloseTo((float) Math.sqrt(0.5), within(1e-6f));
        LearningRateSchedule cos = Schedules.cosine(1f, 100, 0.1f);
        assertThat(cos.at(0)).isEqualTo(1f);
        assertThat(cos.at(50)).isCloseTo(0.55f, within(1e-6f));
        assertThat(cos.at(100)).isCloseTo(0.1f, within(1e-6f));
        assertThat(cos.at(500)).isCloseTo(0.1f, within(1e-6f));
        LearningRateSchedule warm = Schedules.warmup(4, Schedules.constant(0.8f));
        assertThat(new float[] {warm.at(0), warm.at(1), warm.at(3), warm.at(4), warm.at(9)}).containsExactly(0.2f, 0.4f, 0.8f, 0.8f, 0.8f);
        assertThat(Schedules.fromConfig(warm.config()).at(1)).isEqualTo(0.4f);
        Optimizer opt = Optimizers.adam(Schedules.step(1f, 1, 0.5f)).parameters(List.of(Tensor.vector(1).requiresGrad(true)));
        assertThat(opt.learningRate()).isEqualTo(1f);
        opt.step();
        assertThat(opt.learningRate()).isEqualTo(0.5f);
    }

    @Test
    void hyperParametersWrittenAsDoublesAreKeptAsTheirFloat32Values() {
        Optimizer fromDouble = Optimizers.adam(Schedules.cosine(1e-3, 100, 0.1)).clipByNorm(0.3);
        Optimizer fromFloat = Optimizers.adam(Schedules.cosine(1e-3f, 100, 0.1f)).clipByNorm(0.3f);
        assertThat(fromDouble.config()).isEqualTo(fromFloat.config());
        assertThat(Optimizers.sgd(0.01).learningRate()).isEqualTo(0.01f);
        assertThat(Optimizers.fromConfig(Optimizers.sgd(0.01, 0.9, true, 1e-4).config()).config())
                .isEqualTo(Optimizers.sgd(0.01f, 0.9f, true, 1e-4f).config());
        Optimizer o = Optimizers.sgd(1);
        o.setLearningRate(0.1);
        assertThat(o.learningRate()).isEqualTo(0.1f);
    }

    @Test
    void badHyperParametersAreRejected() {
        assertThatThrownBy(() -> Optimizers.adam(0.1, 0.999999999, 0.999, 1e-8)).hasMessageContaining("betas"); // 1 in float32
        assertThatThrownBy(() -> Optimizers.sgd(1e-50)).hasMessageContaining("learning rate must be positive"); // 0 in float32
        assertThatThrownBy(() -> Optimizers.sgd(-1f)).hasMessageContaining("learning rate must be positive");
        assertThatThrownBy(() -> Optimizers.adam(0.1f, 1f, 0.999f, 1e-8f)).hasMessageContaining("betas");
        assertThatThrownBy(() -> Optimizers.sgd(0.1f, 0, true, 0)).hasMessageContaining("Nesterov");
    }

    /**
     * Weights whose gradient is lit for a few steps and then stops, as a rarely lit input pixel's: their running
     * averages decay to exactly zero without passing through subnormal floats, and the weights end where the
     * update without a floor takes them.
     */
    @ParameterizedTest
    @ValueSource(strings = {"sgd_lr0.1_momentum0.9", "sgd_lr0.1_momentum0.9_nesterov", "rmsprop_lr0.01_alpha0.99_eps1e-8"})
    void runningAveragesThatDieBecomeZeroWithoutSubnormalsAndMoveTheWeightsAsWithoutTheFloor(String name) {
        int n = 40, steps = 12000;
        Tensor w = Tensor.zeros(n).requiresGrad(true);
        java.util.Random r = new java.util.Random(3);
        for (int i = 0; i < n; i++) w.data()[i] = (float) r.nextGaussian() * 0.05f;
        float[] plain = w.data().clone(), average = new float[n];
        Optimizer opt = OptimizerFixtureTest.named(name).parameters(List.of(w));
        boolean sgd = name.startsWith("sgd"), nesterov = name.endsWith("nesterov");
        boolean plainWentSubnormal = false;
        for (int t = 0; t < steps; t++) {
            float[] g = new float[n];
            for (int i = 0; i < n; i++) g[i] = t < 2 + i % 5 ? (float) r.nextGaussian() * 1e-2f : 0;
            w.setGrad(Tensor.of(g, n));
            opt.step();
            for (int i = 0; i < n; i++) { // the update as PyTorch writes it, with no floor
                if (sgd) {
                    average[i] = 0.9f * average[i] + g[i];
                    plain[i] -= 0.1f * (nesterov ? g[i] + 0.9f * average[i] : average[i]);
                } else {
                    average[i] = 0.99f * average[i] + (1 - 0.99f) * g[i] * g[i];
                    plain[i] -= 0.01f * g[i] / ((float) Math.sqrt(average[i]) + 1e-8f);
                }
                plainWentSubnormal |= average[i] != 0 && Math.abs(average[i]) < Float.MIN_NORMAL;
            }
            float[] state = opt.state(Map.of("w", w)).get(sgd ? "w/momentum" : "w/square_avg").data();
            for (int i = 0; i < n; i++) {
                assertThat(state[i] == 0 || Math.abs(state[i]) >= Float.MIN_NORMAL).as("%s state[%d] at step %d: %s", name, i, t, state[i]).isTrue();
            }
        }
        assertThat(plainWentSubnormal).as("without the floor the averages are subnormal by now").isTrue();
        assertThat(w.data()).as(name).containsExactly(plain);
    }
}
