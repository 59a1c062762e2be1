package dev.nabla.nn;

import dev.nabla.tensor.Rng;
import dev.nabla.tensor.Tensor;
import dev.nabla.testing.DArray;
import dev.nabla.testing.GradCheck;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static dev.nabla.testing.DArray.random;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MergeLayersTest {

    @BeforeEach
    void freshNames() {
        Layer.resetNames();
    }

    /** The reference concatenation of a [n, p] and a [n, q] array along axis 1. */
    private static DArray concatColumns(DArray a, DArray b) {
        int n = a.shape()[0], p = a.shape()[1], q = b.shape()[1];
        return DArray.build(new int[] {n, p + q}, i -> i[1] < p ? a.at(i[0], i[1]) : b.at(i[0], i[1] - p));
    }

    /** The reference L2 normalisation along one axis, floored as Dot's (the squared norm at least 1e-12). */
    private static DArray l2Normalized(DArray a, int axis) {
        DArray norm = a.mul(a).sum(new int[] {axis}, true).map(v -> Math.sqrt(Math.max(v, 1e-12)));
        return a.div(norm);
    }

    private static void assertClose(Tensor actual, float... expected) {
        assertThat(actual.data()).containsExactly(expected, org.assertj.core.data.Offset.offset(1e-6f));
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
    @Test
    void subtractMultiplyAndAverageComputeElementwiseAndPassTheGradientCheck() {
        Tensor a = Tensor.of(new float[][] {{1, 2}, {3, 4}}), b = Tensor.of(new float[][] {{10, 20}, {30, 40}}), c = Tensor.of(new float[][] {{-2, 0}, {1, 7}});
        assertThat(new Subtract().apply(a, b).data()).containsExactly(-9, -18, -27, -36);
        assertThat(new Multiply().apply(a, b, c).data()).containsExactly(-20, 0, 90, 1120);
        assertClose(new Average().apply(a, b, c), 3, 22f / 3, 34f / 3, 17);
        assertThat(new Average().apply(a, b).data()).containsExactly(5.5f, 11, 16.5f, 22);
        GradCheck.check(in -> new Subtract().apply(in[0], in[1]), in -> in[0].sub(in[1]), random(6, 3, 4), random(7, 3, 4)).assertPassed();
        GradCheck.check(in -> new Multiply().apply(in[0], in[1], in[2]), in -> in[0].mul(in[1]).mul(in[2]),
                random(8, 2, 3, 2), random(9, 2, 3, 2), random(10, 2, 3, 2)).assertPassed();
        GradCheck.check(in -> new Average().apply(in[0], in[1], in[2]), in -> in[0].add(in[1]).add(in[2]).map(v -> v / 3),
                random(11, 3, 4), random(12, 3, 4), random(13, 3, 4)).assertPassed();
    }

    @Test
    void maximumAndMinimumPickTheExtremeAndPassTheGradientCheck() {
        GradCheck.check(in -> new Maximum().apply(in[0], in[1], in[2]),
                in -> DArray.zip(DArray.zip(in[0], in[1], Math::max), in[2], Math::max),
                random(14, 3, 4), random(15, 3, 4), random(16, 3, 4)).assertPassed();
        GradCheck.check(in -> new Minimum().apply(in[0], in[1]), in -> DArray.zip(in[0], in[1], Math::min),
                random(17, 3, 4), random(18, 3, 4)).assertPassed();
    }

    /**
     * Values and the gradient at ties match chained torch.maximum / torch.minimum, which split a tie of two evenly:
     * <pre>
     * a = torch.tensor([[1., 5., 3.], [-2., 0., 4.]], requires_grad=True)
     * b = torch.tensor([[2., 5., 1.], [-2., 1., 4.]], requires_grad=True)
     * c = torch.tensor([[0., 5., 4.], [-3., 0., 4.]], requires_grad=True)
     * y = torch.maximum(torch.maximum(a, b), c); y.sum().backward()   # and torch.minimum
     * </pre>
     */
    @Test
    void maximumAndMinimumSplitTheGradientAtTiesAsTorch() {
        for (boolean max : new boolean[] {true, false}) {
            Tensor a = Tensor.of(new float[][] {{1, 5, 3}, {-2, 0, 4}}).requiresGrad(true);
            Tensor b = Tensor.of(new float[][] {{2, 5, 1}, {-2, 1, 4}}).requiresGrad(true);
            Tensor c = Tensor.of(new float[][] {{0, 5, 4}, {-3, 0, 4}}).requiresGrad(true);
            Tensor y = (max ? new Maximum() : new Minimum()).apply(a, b, c);
            y.sum().backward();
            if (max) {
                assertThat(y.data()).containsExactly(2, 5, 4, -2, 1, 4);
                assertThat(a.grad().data()).containsExactly(0, 0.25f, 0, 0.5f, 0, 0.25f);
                assertThat(b.grad().data()).containsExactly(1, 0.25f, 0, 0.5f, 1, 0.25f);
                assertThat(c.grad().data()).containsExactly(0, 0.5f, 1, 0, 0, 0.5f);
            } else {
                assertThat(y.data()).containsExactly(0, 5, 1, -3, 0, 4);
                assertThat(a.grad().data()).containsExactly(0, 0.25f, 0, 0, 0.5f, 0.25f);
                assertThat(b.grad().data()).containsExactly(0, 0.25f, 1, 0, 0, 0.25f);
                assertThat(c.grad().data()).containsExactly(1, 0.5f, 0, 1, 0.5f, 0.5f);
            }
        }
    }

    /**
     * Against PyTorch:
     * <pre>
     * u = torch.tensor([[1., 2., 3.], [0.5, -1., 2.]]); v = torch.tensor([[4., -5., 6.], [1., 1., 1.]])
     * (u * v).sum(1, keepdim=True)                                        # [[12.], [1.5]]
     * F.normalize(u, dim=1, eps=1e-6) * F.normalize(v, dim=1, eps=1e-6)).sum(1, keepdim=True)
     * q = torch.arange(12.).reshape(1, 3, 4) / 4 - 1; k = torch.arange(8.).reshape(1, 2, 4) / 3 - 1
     * w = torch.arange(6.).reshape(1, 3, 2) / 2 - 1
     * torch.bmm(q, k.transpose(1, 2))                                     # axes (2, 2): [1, 3, 2]
     * torch.bmm(q.transpose(1, 2), w)                                     # axes (1, 1): [1, 4, 2]
     * </pre>
     */
    @Test
    void dotMultipliesAlongItsAxesAsTorch() {
        Tensor u = Tensor.of(new float[][] {{1, 2, 3}, {0.5f, -1, 2}}), v = Tensor.of(new float[][] {{4, -5, 6}, {1, 1, 1}});
        Tensor dot = new Dot(1).apply(u, v);
        assertThat(dot.shape()).containsExactly(2, 1);
        assertClose(dot, 12, 1.5f);
        assertClose(new Dot(-1, true).apply(u, v), 0.36548689f, 0.37796447f);
        Tensor q = Tensor.arange(12).reshape(1, 3, 4).div(4).sub(1), k = Tensor.arange(8).reshape(1, 2, 4).div(3).sub(1);
        Tensor w = Tensor.arange(6).reshape(1, 3, 2).div(2).sub(1);
        Tensor scores = new Dot(2).apply(q, k);
        assertThat(scores.shape()).containsExactly(1, 3, 2);
        assertClose(scores, 1.6666666f, -1.6666667f, -0.3333333f, 1.6666665f, -2.3333333f, 5.0f);
        Tensor gram = new Dot(1).apply(q, w);
        assertThat(gram.shape()).containsExactly(1, 4, 2);
        assertClose(gram, 2, 2, 2, 2.375f, 2, 2.75f, 2, 3.125f);
        assertThat(new Dot(null, 2, 1, false).apply(Tensor.zeros(3, 5, 4), Tensor.zeros(3, 4, 6, 2)).shape()).containsExactly(3, 5, 6, 2);
    }

    @Test
    void dotPassesTheGradientCheckPlainAndNormalized() {
        GradCheck.check(in -> new Dot(1).apply(in[0], in[1]), in -> in[0].mul(in[1]).sum(new int[] {1}, true),
                random(19, 3, 5), random(20, 3, 5)).assertPassed();
        GradCheck.check(in -> new Dot(1, true).apply(in[0], in[1]),
                in -> l2Normalized(in[0], 1).mul(l2Normalized(in[1], 1)).sum(new int[] {1}, true),
                random(21, 3, 5), random(22, 3, 5)).assertPassed();
        GradCheck.check(in -> new Dot(2).apply(in[0], in[1]), in -> in[0].matmul(in[1].transposeLast()),
                random(23, 2, 3, 4), random(24, 2, 5, 4)).assertPassed();
        GradCheck.check(in -> new Dot(null, 1, 1, true).apply(in[0], in[1]),
                in -> l2Normalized(in[0], 1).permute(0, 2, 1).matmul(l2Normalized(in[1], 1)),
                random(25, 2, 3, 4), random(26, 2, 3, 2)).assertPassed();
    }

    @Test
    void theNewMergesRefuseBadShapesNamingTheLayerAndEveryShape() {
        assertThatThrownBy(() -> new Subtract("diff").apply(Tensor.zeros(2, 4), Tensor.zeros(2, 4), Tensor.zeros(2, 4)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("diff expects exactly 2 inputs, got [2, 4] and [2, 4] and [2, 4]");
        assertThatThrownBy(() -> new Subtract("diff").apply(Tensor.zeros(2, 4), Tensor.zeros(2, 1)))
                .hasMessage("diff expects inputs of one shape, got [2, 4] and [2, 1]");
        assertThatThrownBy(() -> new Multiply("gate").apply(Tensor.zeros(2, 4), Tensor.zeros(2, 4), Tensor.zeros(2, 5)))
                .hasMessage("gate expects inputs of one shape, got [2, 4] and [2, 4] and [2, 5]");
        assertThatThrownBy(() -> new Average("mean").apply(Tensor.zeros(2, 3)))
                .hasMessage("mean expects 2 or more inputs, got [2, 3]");
        assertThatThrownBy(() -> new Maximum("hi").apply(Tensor.zeros(2, 3), Tensor.zeros(3, 3)))
                .hasMessage("hi expects inputs of one shape, got [2, 3] and [3, 3]");
        assertThatThrownBy(() -> new Minimum("lo").apply(Tensor.zeros(2, 3), Tensor.zeros(2, 3, 1)))
                .hasMessage("lo expects inputs of one shape, got [2, 3] and [2, 3, 1]");
        assertThatThrownBy(() -> new Dot("dot", 2, 2, false).apply(Tensor.zeros(2, 3, 4), Tensor.zeros(2, 3, 5)))
                .hasMessage("dot expects inputs of one batch size whose axes 2 and 2 have one size, got [2, 3, 4] and [2, 3, 5]");
        assertThatThrownBy(() -> new Dot("dot", 1, 1, false).apply(Tensor.zeros(2, 3), Tensor.zeros(4, 3)))
                .hasMessage("dot expects inputs of one batch size whose axes 1 and 1 have one size, got [2, 3] and [4, 3]");
        assertThatThrownBy(() -> new Dot("dot", 2, 2, false).apply(Tensor.zeros(2, 3), Tensor.zeros(2, 3)))
                .hasMessage("dot expects inputs of rank 2 or more with axes 2 and 2 other than the batch axis, got [2, 3] and [2, 3]");
        assertThatThrownBy(() -> new Dot("dot", 1, 1, false).apply(Tensor.zeros(2, 3), Tensor.zeros(2, 3), Tensor.zeros(2, 3)))
                .hasMessage("dot expects exactly 2 inputs, got [2, 3] and [2, 3] and [2, 3]");
        assertThatThrownBy(() -> new Dot(0)).hasMessageContaining("include the batch axis 0");
        SymbolicTensor q = Input.of("q", 5, 8), k = Input.of("k", 7, 9);
        assertThatThrownBy(() -> new Dot("scores", 2, 2, false).call(q, k))
                .hasMessage("scores cannot be called on q [None, 5, 8], k [None, 7, 9]: scores expects inputs of one batch size whose axes 2 and 2 have one size, got [1, 5, 8] and [1, 7, 9]");
        assertThat(new Dot(2).call(q, Input.of("v", 7, 8)).shape()).containsExactly(5, 7);
    }

    @Test
    void theNewMergesRoundTripThroughTheirConfigs() {
        for (Layer l : new Layer[] {new Subtract("s"), new Multiply("m"), new Average("a"), new Maximum("hi"), new Minimum("lo")}) {
            Layer back = Layers.fromConfig(l.config());
            assertThat(back.getClass()).isEqualTo(l.getClass());
            assertThat(back.name()).isEqualTo(l.name());
        }
        Map<String, Object> c = new Dot("cos", -1, 2, true).config();
        assertThat(c).containsEntry("axes", java.util.List.of(-1, 2)).containsEntry("normalize", true);
        Dot back = (Dot) Layers.fromConfig(c);
        assertThat(back.axes()).containsExactly(-1, 2);
        assertThat(back.normalize()).isTrue();
        assertThat(back.name()).isEqualTo("cos");
        Map<String, Object> bad = new java.util.LinkedHashMap<>(c);
        bad.put("axes", java.util.List.of(1));
        assertThatThrownBy(() -> Layers.fromConfig(bad, "model.layers[3]"))
                .hasMessage("model.layers[3].axes: expected two axes (integers), got [1]");
    }

    @Test
    void aGraphOfEveryMergeSavesAndLoadsWithoutRegistrationAndComputesTheSame() {
        SymbolicTensor a = Input.of("a", 2, 3), b = Input.of("b", 2, 3);
        SymbolicTensor flat = new Concatenate("all", -1).call(
                new Flatten().call(new Subtract().call(a, b)), new Flatten().call(new Multiply().call(a, b, a)),
                new Flatten().call(new Average().call(a, b)), new Flatten().call(new Maximum().call(a, b)),
                new Flatten().call(new Minimum().call(a, b, b)), new Flatten().call(new Dot("pairs", 2, 2, true).call(a, b)),
                new Flatten().call(new Dot("columns", 1, -2, false).call(a, b)));
        dev.nabla.train.Functional model = dev.nabla.train.Model.of(java.util.List.of(a, b), Dense.of(2).call(flat));
        dev.nabla.train.Model loaded = dev.nabla.train.ModelFile.fromBytes(dev.nabla.train.ModelFile.toBytes(
                new dev.nabla.train.SavedModel(model, Map.of(), null, Map.of())), "test").model();
        Tensor x = Tensor.normal(new Rng(30), 0, 1, 4, 2, 3), y = Tensor.normal(new Rng(31), 0, 1, 4, 2, 3);
        assertThat(loaded.apply(x, y).data()).containsExactly(model.apply(x, y).data());
        assertThat(((dev.nabla.train.Functional) loaded).nodes()).extracting(n -> n.layer().type())
                .contains("Subtract", "Multiply", "Average", "Maximum", "Minimum", "Dot", "Concatenate");
    }
}
