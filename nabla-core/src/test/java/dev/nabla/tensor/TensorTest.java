package dev.nabla.tensor;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class TensorTest {

    @Test
    void creationFunctions() {
        assertThat(Tensor.zeros(2, 3).data()).containsOnly(0f).hasSize(6);
        assertThat(Tensor.ones(2).data()).containsExactly(1, 1);
        assertThat(Tensor.full(new int[] {2, 2}, 7).data()).containsExactly(7, 7, 7, 7);
        assertThat(Tensor.arange(0, 1, 0.25f).data()).containsExactly(0, 0.25f, 0.5f, 0.75f);
        assertThat(Tensor.arange(3).data()).containsExactly(0, 1, 2);
        assertThat(Tensor.linspace(0, 1, 5).data()).containsExactly(0, 0.25f, 0.5f, 0.75f, 1);
        assertThat(Tensor.eye(2).data()).containsExactly(1, 0, 0, 1);
        assertThat(Tensor.of(new float[][][] {{{1, 2}}, {{3, 4}}}).shape()).containsExactly(2, 1, 2);
        assertThat(Tensor.of(new float[][][][] {{{{1}}}}).shape()).containsExactly(1, 1, 1, 1);
        assertThat(Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 3, 2).get(2, 1)).isEqualTo(6f);
        Tensor s = Tensor.scalar(2.5f);
        assertThat(s.rank()).isZero();
        assertThat(s.item()).isEqualTo(2.5f);
        assertThat(s.mul(Tensor.vector(1, 2)).data()).containsExactly(2.5f, 5f);
    }

    @Test
    void randomTensorsComeFromTheExplicitSeed() {
        assertThat(Tensor.uniform(new Rng(3), -1, 1, 4, 4).data()).containsExactly(Tensor.uniform(new Rng(3), -1, 1, 4, 4).data());
        assertThat(Tensor.normal(new Rng(3), 0, 1, 8).data()).isNotEqualTo(Tensor.normal(new Rng(4), 0, 1, 8).data());
        Tensor n = Tensor.normal(new Rng(1), 2, 3, 20000);
        assertThat((double) n.mean().item()).isCloseTo(2, within(0.1));
        assertThat((double) n.std().item()).isCloseTo(3, within(0.1));
        Tensor r = Tensor.randint(new Rng(5), 2, 5, 1000);
        assertThat(r.min().item()).isEqualTo(2f);
        assertThat(r.max().item()).isEqualTo(4f);
    }

    @Test
    void reductionValuesAndArgExtremes() {
        Tensor t = Tensor.of(new float[][] {{1, 5, 3}, {4, 2, 6}});
        assertThat(t.sum(0).data()).containsExactly(5, 7, 9);
        assertThat(t.mean(new int[] {1}, true).shape()).containsExactly(2, 1);
        assertThat(t.max(1).data()).containsExactly(5, 6);
        assertThat(t.argmax(1).data()).containsExactly(1, 2);
        assertThat(t.argmin(0).data()).containsExactly(0, 1, 0);
        assertThat(t.var(new int[] {1}, 1, false).data()).containsExactly(4, 4);
        assertThat((double) Tensor.vector(1000, 1000).logsumexp().item()).isCloseTo(1000 + Math.log(2), within(1e-3));
    }

    @Test
    void comparisonsGiveMasksAndWhereSelects() {
        Tensor a = Tensor.vector(1, 2, 3);
        assertThat(a.gt(2f).data()).containsExactly(0, 0, 1);
        assertThat(a.le(Tensor.vector(3, 2, 1)).data()).containsExactly(1, 1, 0);
        assertThat(Tensor.where(a.ge(2f), a, a.neg()).data()).containsExactly(-1, 2, 3);
    }

    @Test
    void printsLikeNumPyAndElidesLargeTensors() {
        assertThat(Tensor.of(new float[][] {{1, 2}, {3, 4.5f}}).toString()).contains("[[1.0000, 2.0000],", "[3.0000, 4.5000]]", "shape=[2, 2]");
        String big = Tensor.arange(10000).toString();
        assertThat(big).contains("...").hasSizeLessThan(200);
    }

    @Test
    void allCloseUsesRelativeAndAbsoluteTolerance() {
        assertThat(Tensor.vector(1, 100).allClose(Tensor.vector(1.0000001f, 100.001f), 1e-4, 1e-6)).isTrue();
        assertThat(Tensor.vector(1, 100).allClose(Tensor.vector(1.1f, 100), 1e-4, 1e-6)).isFalse();
        assertThat(Tensor.vector(1, 2).allClose(Tensor.vector(1, 2, 3), 1, 1)).isFalse();
    }

    @Test
    void badShapesNameTheOpAndBothShapes() {
        assertThatThrownBy(() -> Tensor.zeros(128, 784).matmul(Tensor.zeros(256, 128)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("matmul: [128, 784] @ [256, 128]: inner dimensions 784 and 256 differ");
        assertThatThrownBy(() -> Tensor.zeros(2, 3).add(Tensor.zeros(4)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("add").hasMessageContaining("[2, 3]").hasMessageContaining("[4]");
        assertThatThrownBy(() -> Tensor.zeros(2, 3).reshape(4, 2)).hasMessageContaining("reshape").hasMessageContaining("[2, 3]");
        assertThatThrownBy(() -> Tensor.of(new float[5], 2, 3)).hasMessageContaining("5 values do not fill shape [2, 3]");
    }

    @Test
    void inPlaceUpdatesOfParametersNeedANoGradScope() {
        Tensor w = Tensor.ones(2).requiresGrad(true);
        assertThatThrownBy(() -> w.addInPlace(Tensor.ones(2))).isInstanceOf(IllegalStateException.class).hasMessageContaining("noGrad");
        try (var ignored = dev.nabla.autograd.Autograd.noGrad()) {
            w.addScaledInPlace(-0.5f, Tensor.vector(2, 4));
        }
        assertThat(w.data()).containsExactly(0, -1);
    }
}
