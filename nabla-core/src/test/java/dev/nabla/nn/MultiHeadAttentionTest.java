package dev.nabla.nn;

import dev.nabla.explain.GradientCheck;
import dev.nabla.tensor.Rng;
import dev.nabla.tensor.Tensor;
import dev.nabla.train.Functional;
import dev.nabla.train.Model;
import dev.nabla.train.ModelFile;
import dev.nabla.train.Sequential;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static dev.nabla.testing.Fixtures.assertClose;
import static dev.nabla.testing.Fixtures.sequence;
import static dev.nabla.testing.Fixtures.tensorIn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MultiHeadAttentionTest {

    private static final String TRANSFORMER = "pytorch-transformer.json";

    @BeforeEach
    void freshNames() {
        Layer.resetNames();
    }

    /** PyTorch's key_padding_mask (1 = padded) as a Nabla padding mask (1 = real). */
    private static Tensor realSteps(Tensor torchPadded) {
        return Tensor.onesLike(torchPadded).sub(torchPadded);
    }

    @Test
    void selfAttentionWithAKeyPaddingMaskMatchesPyTorch() {
        String c = "mha_self_padmask";
        Tensor x = sequence(c, "x").requiresGrad(true);
        MultiHeadAttention mha = new MultiHeadAttention(2, 4);
        mha.buildFor(x.shape());
        assertThat(mha.weights()).extracting(Weight::name).containsExactly("multi_head_attention/in_proj_weight",
                "multi_head_attention/in_proj_bias", "multi_head_attention/out_proj_weight", "multi_head_attention/out_proj_bias");
        for (Weight w : mha.weights()) {
            Tensor torch = sequence(c, "param." + TorchParameters.torchName(mha, w));
            System.arraycopy(torch.data(), 0, w.value().data(), 0, torch.size());
        }
        Tensor y = mha.applyMasked(new Tensor[] {x}, new Tensor[] {realSteps(sequence(c, "key_padding_mask"))});
        assertClose("y", y, sequence(c, "y"));
        y.mul(sequence(c, "up")).sum().backward();
        assertClose("grad x", x.grad(), sequence(c, "grad.x"));
        for (Weight w : mha.weights()) {
            assertClose(w.name(), w.value().grad(), sequence(c, "grad.param." + TorchParameters.torchName(mha, w)));
        }
    }

    @Test
    void causalCrossAttentionWithKeyUnlikeValueMatchesPyTorch() {
        String c = "mha_cross_causal";
        Tensor q = tensorIn(TRANSFORMER, c, "query").requiresGrad(true), k = tensorIn(TRANSFORMER, c, "key").requiresGrad(true);
        Tensor v = tensorIn(TRANSFORMER, c, "value").requiresGrad(true);
        MultiHeadAttention mha = new MultiHeadAttention(null, 2, 4, true);
        mha.buildFor(q.shape());
        TorchParameters.load(mha, TRANSFORMER, c);
        Tensor keyMask = tensorIn(TRANSFORMER, c, "key_mask");
        Tensor y = mha.applyMasked(new Tensor[] {q, k, v}, new Tensor[] {null, keyMask, null});
        assertClose("y", y, tensorIn(TRANSFORMER, c, "y"));
        y.mul(tensorIn(TRANSFORMER, c, "up")).sum().backward();
        assertClose("grad query", q.grad(), tensorIn(TRANSFORMER, c, "grad.query"));
        assertClose("grad key", k.grad(), tensorIn(TRANSFORMER, c, "grad.key"));
        assertClose("grad value", v.grad(), tensorIn(TRANSFORMER, c, "grad.value"));
        TorchParameters.assertGradients(mha, TRANSFORMER, c);
    }

    @Test
    void theInitialisationIsPyTorchs() {
        MultiHeadAttention mha = new MultiHeadAttention(4, 16);
        mha.seed(3).buildFor(2, 5, 64);
        float[] in = mha.weights().get(0).value().data(), out = mha.weights().get(2).value().data();
        double xavier = Math.sqrt(6.0 / (64 + 192)), linear = 1 / Math.sqrt(64);
        assertThat(max(in)).isLessThanOrEqualTo(xavier).isGreaterThan(0.95 * xavier);
        assertThat(max(out)).isLessThanOrEqualTo(linear).isGreaterThan(0.95 * linear);
        assertThat(mha.weights().get(1).value().data()).containsOnly(0f);
        assertThat(mha.weights().get(3).value().data()).containsOnly(0f);
    }

    private static double max(float[] a) {
        double m = 0;
        for (float v : a) m = Math.max(m, Math.abs(v));
        return m;
    }

    @Test
    void everyParameterPassesTheGradientCheckInSelfAndCrossAttention() {
        Tensor x = Tensor.randn(new Rng(1), 2, 4, 6), memory = Tensor.randn(new Rng(2), 2, 3, 6);
        Tensor mask = Tensor.of(new float[] {1, 1, 0, 1, 1, 1}, 2, 3);
        MultiHeadAttention mha = new MultiHeadAttention(null, 3, 2, true);
        mha.seed(4);
        Tensor up = Tensor.randn(new Rng(5), 2, 4, 6);
        for (GradientCheck.Result r : GradientCheck.of(mha, () -> mha.apply(x).mul(up).sum(), 12)) assertThat(r.passed()).as(r.toString()).isTrue();
        for (GradientCheck.Result r : GradientCheck.of(mha, () -> mha.applyMasked(new Tensor[] {x, memory}, new Tensor[] {null, mask}).mul(up).sum(), 12)) {
            assertThat(r.passed()).as(r.toString()).isTrue();
        }
    }

    @Test
    void aMaskOnTheKeyValueInputMasksKeysAndTheOutputCarriesTheQuerysMask() {
        SymbolicTensor query = Input.of("query", 4, 6), memory = Input.of("memory", 3, 6);
        MasksTest.ZeroIsPadding padding = new MasksTest.ZeroIsPadding();
        MasksTest.MaskedSum sum = new MasksTest.MaskedSum();
        MultiHeadAttention mha = new MultiHeadAttention(2, 3);
        Functional model = Model.of(List.of(query, memory), sum.call(mha.call(padding.call(query), padding.call(memory))));
        Tensor q = Tensor.randn(new Rng(1), 2, 4, 6), m = Tensor.randn(new Rng(2), 2, 3, 6);
        q.data()[3 * 6] = 0; // sequence 0, query step 3: padding
        m.data()[2 * 6] = 0; // sequence 0, memory step 2: padding
        Tensor y = model.apply(List.of(q, m)).get(0);
        assertThat(sum.seen.get(sum.seen.size() - 1).data()).containsExactly(1, 1, 1, 0, 1, 1, 1, 1);
        // the padded memory step takes no part: changing it changes nothing
        Tensor m2 = m.copy();
        for (int i = 1; i < 6; i++) m2.data()[2 * 6 + i] = 100;
        assertThat(model.apply(List.of(q, m2)).get(0).data()).containsExactly(y.data());
    }

    @Test
    void theConfigAndTheModelFileRebuildTheLayer(@TempDir Path dir) {
        MultiHeadAttention mha = new MultiHeadAttention("attn", 2, 3, true);
        Layer back = Layers.fromConfig(mha.config());
        assertThat(back).isInstanceOf(MultiHeadAttention.class);
        assertThat(back.config()).isEqualTo(mha.config());

        Sequential model = Sequential.of(new MultiHeadAttention("attn", 2, 3, true), new Dense(2));
        model.seed(7).buildFor(1, 4, 5);
        Path file = dir.resolve("mha.nabla");
        ModelFile.save(file, model);
        Model loaded = ModelFile.load(file).model();
        Tensor x = Tensor.randn(new Rng(3), 2, 4, 5);
        assertThat(loaded.predict(x).data()).containsExactly(model.predict(x).data());
        assertThat(model.summary()).contains("attn (MultiHeadAttention)").contains(String.valueOf(3 * 6 * 5 + 18 + 5 * 6 + 5));
    }

    @Test
    void inputsThatDoNotFitAreRefusedNamingTheLayerAndShapes() {
        MultiHeadAttention mha = new MultiHeadAttention("attn", 2, 3, false);
        assertThatThrownBy(() -> mha.apply(Tensor.ones(2, 4, 6), Tensor.ones(2, 3, 5)))
                .hasMessageContaining("attn").hasMessageContaining("[2, 4, 6]").hasMessageContaining("[2, 3, 5]");
        assertThatThrownBy(() -> mha.applyMasked(new Tensor[] {Tensor.ones(2, 4, 6)}, new Tensor[] {Tensor.ones(2, 5)}))
                .hasMessageContaining("[2, 4]").hasMessageContaining("[2, 5]");
    }
}
