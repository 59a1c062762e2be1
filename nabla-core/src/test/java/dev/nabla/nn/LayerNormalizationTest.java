package dev.nabla.nn;

import dev.nabla.autograd.Autograd;
import dev.nabla.tensor.Rng;
import dev.nabla.tensor.Tensor;
import dev.nabla.testing.DArray;
import dev.nabla.testing.GradCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static dev.nabla.testing.Fixtures.assertClose;

/** The fused layer-norm op against the composed ops it replaces and a double-precision reference. */
class LayerNormalizationTest {

    private static Tensor composed(Tensor x, Tensor gamma, Tensor beta, float eps) {
        int last = x.rank() - 1;
        Tensor centred = x.sub(x.mean(new int[] {last}, true));
        Tensor variance = centred.square().mean(new int[] {last}, true);
        return centred.div(variance.add(eps).sqrt()).mul(gamma).add(beta);
    }

    @ParameterizedTest
    @ValueSource(ints = {7, 64, 71}) // shorter than a vector, whole vectors, vectors and a tail
    void theFusedOpMatchesTheComposedOpsInValueAndGradient(int d) {
        Tensor x = Tensor.randn(new Rng(1), 3, 4, d).mul(3f).add(2f).detach().requiresGrad(true);
        Tensor gamma = Tensor.randn(new Rng(2), d).requiresGrad(true), beta = Tensor.randn(new Rng(3), d).requiresGrad(true);
        Tensor up = Tensor.randn(new Rng(4), 3, 4, d);
        Tensor fused = LayerNormalization.normalize(x, gamma, beta, 1e-5f), twin = composed(x, gamma, beta, 1e-5f);
        assertClose("output", fused, twin);
        List<Tensor> gf = Autograd.grad(fused.mul(up).sum(), List.of(x, gamma, beta));
        List<Tensor> gc = Autograd.grad(twin.mul(up).sum(), List.of(x, gamma, beta));
        for (int i = 0; i < 3; i++) assertClose("gradient " + i, gf.get(i), gc.get(i), 1e-3, 1e-4);
    }

    @Test
    void theFusedOpPassesTheDoublePrecisionGradientCheck() {
        GradCheck.check(in -> LayerNormalization.normalize(in[0], in[1], in[2], 1e-5f), LayerNormalizationTest::reference,
                DArray.random(5, 6, 5), DArray.random(6, 5), DArray.random(7, 5)).assertPassed();
        GradCheck.check(in -> LayerNormalization.normalize(in[0], in[1], in[2], 1e-5f), LayerNormalizationTest::reference,
                DArray.random(5, 3, 37), DArray.random(6, 37), DArray.random(7, 37)).assertPassed(); // through the vector rows
    }

    /** Layer norm over the last axis of a [rows, d] input, in double. */
    private static DArray reference(DArray[] in) {
        DArray x = in[0];
        DArray centred = x.sub(x.mean(new int[] {1}, true));
        DArray std = centred.mul(centred).mean(new int[] {1}, true).map(v -> Math.sqrt(v + 1e-5));
        return centred.div(std).mul(in[1]).add(in[2]);
    }
}
