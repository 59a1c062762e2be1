package dev.nabla.optim;

import dev.nabla.io.SafeTensors;
import dev.nabla.nn.Activation;
import dev.nabla.nn.Dense;
import dev.nabla.nn.Layer;
import dev.nabla.nn.Weight;
import dev.nabla.nn.losses.Losses;
import dev.nabla.tensor.Rng;
import dev.nabla.tensor.Tensor;
import dev.nabla.train.FitOptions;
import dev.nabla.train.ModelFile;
import dev.nabla.train.SavedModel;
import dev.nabla.train.Sequential;
import dev.nabla.testing.ZipEntries;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The optimizer's per-parameter state belongs to the parameter, whatever the parameter list looks like. */
class OptimizerStateTest {

    /** Sets a fixed, parameter-specific gradient on each tensor and steps. */
    private static void step(Optimizer opt, Tensor... ps) {
        for (Tensor p : ps) {
            float[] g = new float[p.size()];
            for (int i = 0; i < g.length; i++) g[i] = p.data()[i] * 0.5f - (i + 1) * 0.25f;
            p.setGrad(Tensor.of(g, p.size()));
        }
        opt.step();
    }

    @Test
    void aParameterKeepsItsOwnMomentsWhenAnEarlierOneLeavesTheList() {
        Tensor frozen = Tensor.vector(1, 2, 3).requiresGrad(true), kept = Tensor.vector(-4, 0.5f, 2).requiresGrad(true);
        Tensor alone = kept.detach().copy().requiresGrad(true);
        Optimizer both = Optimizers.adam(0.1).parameters(List.of(frozen, kept));
        Optimizer reference = Optimizers.adam(0.1).parameters(List.of(alone));
        for (int i = 0; i < 3; i++) {
            step(both, frozen, kept);
            step(reference, alone);
        }
        both.parameters(List.of(kept)); // "frozen" is frozen: no longer in the trainable list
        for (int i = 0; i < 3; i++) {
            step(both, kept);
            step(reference, alone);
        }
        assertThat(kept.data()).containsExactly(alone.data());
    }

    private static final Tensor X, Y;

    static {
        Rng rng = new Rng(7);
        float[] x = new float[32 * 4], y = new float[32];
        for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextGaussian();
        for (int i = 0; i < y.length; i++) y[i] = x[4 * i] - 0.5f * x[4 * i + 3];
        X = Tensor.of(x, 32, 4);
        Y = Tensor.of(y, 32, 1);
    }

    @BeforeEach
    void freshNames() {
        Layer.resetNames();
    }

    /** Two hidden layers of the same shape, so that a frozen first one leaves a look-alike second one behind it. */
    private static Sequential model() {
        Sequential m = Sequential.of(Dense.of(4, Activation.TANH), Dense.of(4, Activation.TANH), Dense.of(1));
        m.seed(3);
        m.compile(Optimizers.adam(0.01), Losses.mse());
        m.fit(X, Y, FitOptions.epochs(2).batchSize(8).seed(1));
        return m;
    }

    private static Map<String, Tensor> state(Sequential m) {
        return m.optimizer().state(Weight.byName(m.weights()));
    }

    @Test
    void freezingALayerBetweenFitsLeavesTheNextLayerWithItsOwnAdamMoments() {
        Sequential m = model();
        m.layers().get(0).setTrainable(false);
        Map<String, Tensor> before = state(m);
        m.trainStep(X, Y);
        Map<String, Tensor> after = state(m);
        float[] g = m.weights().get(2).value().grad().data(); // dense_1/kernel, the first trainable parameter now
        float[] m0 = before.get("dense_1/kernel/m").data(), v0 = before.get("dense_1/kernel/v").data();
        float[] m1 = new float[g.length], v1 = new float[g.length];
        for (int i = 0; i < g.length; i++) { // Adam's moment updates, by hand
            m1[i] = 0.9f * m0[i] + (1 - 0.9f) * g[i];
            v1[i] = 0.999f * v0[i] + (1 - 0.999f) * g[i] * g[i];
        }
        assertThat(after.get("dense_1/kernel/m").data()).containsExactly(m1);
        assertThat(after.get("dense_1/kernel/v").data()).containsExactly(v1);
        assertThat(after.get("dense/kernel/m").data()).containsExactly(before.get("dense/kernel/m").data());
    }

    @Test
    void aSavedModelWithAFrozenLayerResumesBitForBitAlsoAfterUnfreezing() {
        Sequential original = model();
        original.layers().get(0).setTrainable(false);
        original.fit(X, Y, FitOptions.epochs(1).batchSize(8).seed(2));
        Sequential loaded = (Sequential) ModelFile.fromBytes(ModelFile.toBytes(new SavedModel(original, Map.of(), null, Map.of())), "frozen").model();
        loaded.setTraining(true);
        assertThat(loaded.layers().get(0).isTrainable()).as("the frozen layer stays frozen").isFalse();
        assertThat(loaded.layers().get(1).isTrainable()).isTrue();
        assertThat(loaded.optimizer().iterations()).isEqualTo(original.optimizer().iterations());
        assertThat(state(loaded).keySet()).containsExactlyElementsOf(state(original).keySet());
        for (Sequential m : List.of(original, loaded)) m.fit(X, Y, FitOptions.epochs(1).batchSize(8).seed(3));
        assertThat(loaded.predict(X).data()).containsExactly(original.predict(X).data());
        for (Sequential m : List.of(original, loaded)) {
            m.layers().get(0).setTrainable(true);
            m.fit(X, Y, FitOptions.epochs(1).batchSize(8).seed(4));
        }
        assertThat(loaded.predict(X).data()).containsExactly(original.predict(X).data());
    }

    @Test
    void theStepCountSurvivesASaveExactlyPastTwoToThe24() {
        long steps = (1L << 24) + 1;
        Sequential m = Sequential.of(Dense.of(1));
        m.compile(Optimizers.adam(Schedules.step(1, steps, 0.5)), Losses.mse());
        m.buildFor(1, 4);
        m.optimizer().setIterations(steps);
        Sequential back = (Sequential) ModelFile.fromBytes(ModelFile.toBytes(new SavedModel(m, Map.of(), null, Map.of())), "many steps").model();
        assertThat(back.optimizer().iterations()).isEqualTo(steps);
        assertThat(back.optimizer().learningRate()).isEqualTo(0.5f); // the schedule halves at exactly 2^24 + 1
    }

    @Test
    void stateForAParameterTheModelDoesNotHaveIsRefusedByName() {
        Tensor a = Tensor.vector(1, 2).requiresGrad(true);
        Optimizer opt = Optimizers.adam(0.1).parameters(List.of(a));
        step(opt, a);
        Map<String, Tensor> state = opt.state(Map.of("dense/kernel", a));
        assertThatThrownBy(() -> opt.loadState(state, Map.of("dense/bias", a)))
                .hasMessage("Adam.loadState: state entry 'dense/kernel/m' names no parameter; known: [dense/bias]");
        assertThatThrownBy(() -> opt.loadState(state, Map.of("dense/kernel", Tensor.vector(1))))
                .hasMessage("Adam.loadState: state entry 'dense/kernel/m' has 2 values but parameter dense/kernel has 1");
    }

    @Test
    void adagradStartsTheAccumulatorOfAParameterThatFirstGetsAGradientLater() {
        Tensor a = Tensor.vector(1, 2).requiresGrad(true), late = Tensor.vector(3, -1).requiresGrad(true);
        Tensor alone = late.detach().copy().requiresGrad(true);
        Optimizer both = new Adagrad(Schedules.constant(0.1), 0.5, 1e-10).parameters(List.of(a, late));
        step(both, a); // "late" has no gradient yet
        step(both, a, late);
        step(new Adagrad(Schedules.constant(0.1), 0.5, 1e-10).parameters(List.of(alone)), alone);
        assertThat(late.data()).containsExactly(alone.data());
    }

    @Test
    void aFormatOneFileWithStateByPositionStillLoads() throws Exception {
        Sequential m = model();
        Map<String, Tensor> named = Weight.byName(m.weights());
        Map<String, Tensor> v1 = new LinkedHashMap<>();
        v1.put("iterations", Tensor.scalar(m.optimizer().iterations()));
        List<String> names = List.copyOf(named.keySet());
        for (Map.Entry<String, Tensor> e : state(m).entrySet()) { // "dense_1/kernel/m" -> "m.2"
            String key = e.getKey();
            int slash = key.lastIndexOf('/');
            v1.put(key.substring(slash + 1) + "." + names.indexOf(key.substring(0, slash)), e.getValue());
        }
        Map<String, byte[]> entries = ZipEntries.entries(ModelFile.toBytes(new SavedModel(m, Map.of(), null, Map.of())));
        entries.put("config.json", new String(entries.get("config.json"), StandardCharsets.UTF_8)
                .replace("\"format_version\": 2", "\"format_version\": 1").getBytes(StandardCharsets.UTF_8));
        entries.put("optimizer.safetensors", SafeTensors.write(v1, Map.of()));
        Sequential back = (Sequential) ModelFile.fromBytes(ZipEntries.zip(entries), "old").model();
        assertThat(back.optimizer().iterations()).isEqualTo(m.optimizer().iterations());
        Map<String, Tensor> restored = state(back);
        assertThat(restored.keySet()).containsExactlyElementsOf(state(m).keySet());
        for (Map.Entry<String, Tensor> e : state(m).entrySet()) assertThat(restored.get(e.getKey()).data()).containsExactly(e.getValue().data());
    }
}
