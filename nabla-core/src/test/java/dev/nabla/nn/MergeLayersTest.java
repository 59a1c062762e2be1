package dev.nabla.nn;

import dev.nabla.tensor.Rng;
import dev.nabla.tensor.Tensor;
import dev.nabla.testing.DArray;
import dev.nabla.testing.GradCheck;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MergeLayersTest {

    @BeforeEach
    void freshNames() {
        Layer.resetNames();
    }

    private static DArray random(long seed, int... shape) {
        Rng rng = new Rng(seed);
        double[] d = new double[DArray.size(shape)];
        for (int i = 0; i < d.length; i++) d[i] = rng.nextGaussian();
        return DArray.of(d, shape);
    }

    /** The reference concatenation of a [n, p] and a [n, q] array along axis 1. */
    private static DArray concatColumns(DArray a, DArray b) {
        int n = a.shape()[0], p = a.shape()[1], q = b.shape()[1];
        return DArray.build(new int[] {n, p + q}, i -> i[1] < p ? a.at(i[0], i[1]) : b.at(i[0], i[1] - p));
    }

    @Test
    void addSumsItsInputsAndPassesTheGradientCheck() {
        Tensor y = new Add().apply(Tensor.of(new float[][] {{1, 2}}), Tensor.of(new float[][] {{10, 20}}), Tensor.of(new float[][] {{100, 200}}));
        assertThat(y.data()).containsExactly(111, 222);
        GradCheck.check(in -> new Add().apply(in[0], in[1], in[2]), in -> in[0].add(in[1]).add(in[2]),
                random(1, 3, 4), random(2, 3, 4), random(3, 3, 4)).assertPassed();
    }

    @Test
    void concatenateJoinsAlongItsAxisAndPassesTheGradientCheck() {
        Tensor y = new Concatenate().apply(Tensor.of(new float[][] {{1, 2}, {3, 4}}), Tensor.of(new float[][] {{5}, {6}}));
        assertThat(y.shape()).containsExactly(2, 3);
        assertThat(y.data()).containsExactly(1, 2, 5, 3, 4, 6);
        assertThat(new Concatenate(1).apply(Tensor.zeros(2, 3, 4), Tensor.zeros(2, 5, 4)).shape()).containsExactly(2, 8, 4);
        GradCheck.check(in -> new Concatenate(-1).apply(in[0], in[1]), in -> concatColumns(in[0], in[1]),
                random(4, 3, 2), random(5, 3, 5)).assertPassed();
    }

    @Test
    void incompatibleShapesAreRefusedNamingTheLayerAndEveryShape() {
        assertThatThrownBy(() -> new Add("skip").apply(Tensor.zeros(2, 4), Tensor.zeros(2, 5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("skip expects inputs of one shape, got [2, 4] and [2, 5]");
        assertThatThrownBy(() -> new Concatenate("join", 1).apply(Tensor.zeros(2, 3, 4), Tensor.zeros(2, 3, 5)))
                .hasMessage("join expects inputs of one rank that agree outside axis 1, got [2, 3, 4] and [2, 3, 5]");
        assertThatThrownBy(() -> new Concatenate("join", -1).apply(Tensor.zeros(2, 3), Tensor.zeros(2, 3, 1)))
                .hasMessage("join expects inputs of one rank that agree outside axis -1, got [2, 3] and [2, 3, 1]");
        assertThatThrownBy(() -> new Concatenate("join", 3).apply(Tensor.zeros(2, 3), Tensor.zeros(2, 3)))
                .hasMessage("join expects inputs with an axis 3 other than the batch axis, got [2, 3] and [2, 3]");
        assertThatThrownBy(() -> new Concatenate("join", 0)).hasMessageContaining("join: axis 0 is the batch axis");
    }

    @Test
    void aMergeOfOneTensorIsRefusedNamingTheLayer() {
        assertThatThrownBy(() -> new Add("skip").apply(Tensor.zeros(2, 4)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("skip expects 2 or more inputs, got [2, 4]");
        assertThatThrownBy(() -> new Add("skip").apply()).hasMessage("skip expects 2 or more inputs, got no inputs");
    }

    @Test
    void aMergeCalledOnSymbolicTensorsKnowsItsShapeOrNamesTheMismatch() {
        SymbolicTensor a = Input.of("a", 4), b = Input.of("b", 3);
        assertThat(new Concatenate().call(a, b).shape()).containsExactly(7);
        assertThatThrownBy(() -> new Add("skip").call(a, b))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("skip cannot be called on a [None, 4], b [None, 3]: skip expects inputs of one shape, got [1, 4] and [1, 3]");
    }

    @Test
    void mergeLayersRoundTripThroughTheirConfigs() {
        Layer add = Layers.fromConfig(new Add("skip").config());
        assertThat(add).isInstanceOf(Add.class);
        assertThat(add.name()).isEqualTo("skip");
        Map<String, Object> c = new Concatenate("join", -2).config();
        assertThat(c).containsEntry("axis", -2);
        Concatenate back = (Concatenate) Layers.fromConfig(c);
        assertThat(back.axis()).isEqualTo(-2);
        assertThat(back.name()).isEqualTo("join");
    }
}
