package dev.nabla.explain;

import dev.nabla.autograd.Function;
import dev.nabla.nn.Activation;
import dev.nabla.nn.Conv2D;
import dev.nabla.nn.Dense;
import dev.nabla.nn.Embedding;
import dev.nabla.nn.Flatten;
import dev.nabla.nn.GlobalAveragePooling1D;
import dev.nabla.nn.Initializers;
import dev.nabla.nn.MaxPool2D;
import dev.nabla.nn.Padding;
import dev.nabla.nn.GRU;
import dev.nabla.nn.LSTM;
import dev.nabla.nn.Layer;
import dev.nabla.nn.SimpleRNN;
import dev.nabla.nn.losses.Losses;
import dev.nabla.tensor.Rng;
import dev.nabla.tensor.Tensor;
import dev.nabla.train.Sequential;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The float32 gradient checker: correct models pass (including small recurrent gradients), wrong backward rules fail. */
class GradientCheckTest {

    @BeforeEach
    void freshNames() {
        Layer.resetNames();
    }

    /** A tanh whose backward is multiplied by {@code factor}: 1 is right, anything else a wrong rule. */
    static final class ScaledTanh extends Function {
        private final float factor;

        ScaledTanh(float factor) {
            this.factor = factor;
        }

        @Override
        protected Tensor forward(Context ctx, Tensor... in) {
            float[] v = in[0].data(), out = new float[v.length];
            for (int i = 0; i < v.length; i++) out[i] = (float) Math.tanh(v[i]);
            Tensor y = Tensor.of(out, in[0].shape());
            ctx.save(y);
            return y;
        }

        @Override
        protected Tensor[] backward(Context ctx, Tensor grad) {
            Tensor y = ctx.saved(0);
            return new Tensor[] {grad.mul(y.square().neg().add(1f)).mul(factor)};
        }
    }

    /** A user layer: a dense map followed by {@link ScaledTanh}. */
    static final class TanhDense extends Layer {
        private final float factor;
        private Tensor kernel;

        TanhDense(float factor) {
            super(null);
            this.factor = factor;
        }

        @Override
        protected void build(int[] s) {
            kernel = addWeight("kernel", new int[] {s[s.length - 1], 6}, Initializers.glorotUniform(), true);
        }

        @Override
        protected Tensor forward(Tensor in) {
            return new ScaledTanh(factor).apply(in.matmul(kernel));
        }
    }

    private static List<GradientCheck.Result> check(Layer recurrent, int perWeight) {
        return check(Sequential.of(recurrent, Dense.of(3)), Tensor.normal(new Rng(3), 0, 1, 4, 5, 3), perWeight);
    }

    private static List<GradientCheck.Result> check(Sequential model, Tensor x, int perWeight) {
        Tensor y = Tensor.vector(0, 2, 1, 2);
        model.seed(1);
        model.buildFor(x.shape());
        return GradientCheck.of(model, () -> Losses.sparseCategoricalCrossentropy(true).apply(y, model.apply(x)), perWeight);
    }

    private static void assertAllPass(List<GradientCheck.Result> results) {
        for (GradientCheck.Result r : results) assertThat(r.passed()).as(r.toString()).isTrue();
    }

    @Test
    void aCorrectLstmPassesIncludingItsSmallRecurrentGradients() {
        assertAllPass(check(LSTM.of(8), 40));
    }

    @Test
    void aCorrectGruPassesIncludingItsSmallRecurrentGradients() {
        assertAllPass(check(GRU.of(8), 40));
    }

    @Test
    void aCorrectSimpleRnnPasses() {
        assertAllPass(check(SimpleRNN.of(8), 40));
    }

    @Test
    void correctDenseAndConvolutionalReluModelsPass() {
        assertAllPass(check(Sequential.of(Dense.of(16, Activation.RELU), Dense.of(8, Activation.TANH), Dense.of(3)),
                Tensor.normal(new Rng(4), 0, 1, 4, 6), 40));
        assertAllPass(check(Sequential.of(new Conv2D(4, 3, 1, Padding.SAME, true, Activation.RELU), new MaxPool2D(2, 2), new Flatten(),
                Dense.of(3)), Tensor.normal(new Rng(5), 0, 1, 4, 2, 6, 6), 40));
    }

    @Test
    void aReluInputExactlyAtZeroIsNotCheckedRatherThanReportedWrong() {
        // A zero-bias ReLU layer and an all-zero row: that row's pre-activations sit exactly on the kink, where autograd
        // takes one side's slope and any central difference the average of both.
        Sequential model = Sequential.of(Dense.of(6, Activation.RELU), Dense.of(3));
        Tensor x = Tensor.normal(new Rng(8), 0, 1, 4, 5);
        java.util.Arrays.fill(x.data(), 0, 5, 0f);
        List<GradientCheck.Result> results = check(model, x, 20);
        assertThat(results).noneMatch(GradientCheck.Result::disagrees);
        assertThat(results.get(1).parameter()).isEqualTo("dense/bias");
        assertThat(results.get(1).checked()).as(results.get(1).toString()).isLessThan(results.get(1).sampled());
    }

    @Test
    void embeddingRowsAbsentFromTheBatchAreCheckedAsExactlyZero() {
        Sequential model = Sequential.of(Embedding.of(2000, 4), new GlobalAveragePooling1D(), Dense.of(3));
        Tensor ids = Tensor.of(new float[] {3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3}, 4, 4);
        List<GradientCheck.Result> results = check(model, ids, 20);
        assertAllPass(results);
        assertThat(results.get(0).checked()).as(results.get(0).toString()).isEqualTo(20);
    }

    @Test
    void aConfidentModelWhoseLossIsNearZeroIsNotReportedWrong() {
        Sequential model = Sequential.of(Dense.of(8, Activation.TANH), Dense.of(3));
        Tensor x = Tensor.normal(new Rng(7), 0, 1, 4, 5);
        model.seed(1);
        model.buildFor(x.shape());
        // Logits of about +-20: the cross-entropy is near 0 while the terms it is computed from are large, so its
        // float32 noise is far above ulp(loss); the gradients are too small to resolve, and must not look wrong.
        float[] k = ((Dense) model.layers().get(1)).kernel().data();
        for (int i = 0; i < k.length; i++) k[i] *= 20;
        Tensor y = model.apply(x).argmax(1);
        Tensor loss = Losses.sparseCategoricalCrossentropy(true).apply(y, model.apply(x));
        assertThat(loss.item()).isLessThan(1e-3f);
        List<GradientCheck.Result> results = GradientCheck.of(model, () -> Losses.sparseCategoricalCrossentropy(true).apply(y, model.apply(x)), 40);
        assertThat(results).noneMatch(GradientCheck.Result::disagrees);
    }

    @Test
    void aBackwardRuleOffByTenOrThreePercentIsReportedWrong() {
        Tensor x = Tensor.normal(new Rng(6), 0, 1, 4, 5);
        assertAllPass(check(Sequential.of(new TanhDense(1f), Dense.of(3)), x, 20));
        for (float factor : new float[] {1.1f, 0.97f}) {
            Layer.resetNames();
            GradientCheck.Result kernel = check(Sequential.of(new TanhDense(factor), Dense.of(3)), x, 20).get(0);
            assertThat(kernel.checked()).as(kernel.toString()).isPositive();
            assertThat(kernel.disagrees()).as(kernel.toString()).isTrue();
            assertThat(kernel.toString()).contains("WRONG?");
        }
    }
}
