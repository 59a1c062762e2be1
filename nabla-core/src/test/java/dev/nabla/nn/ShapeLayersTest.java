package dev.nabla.nn;

import dev.nabla.autograd.Autograd;
import dev.nabla.io.Json;
import dev.nabla.nn.losses.Losses;
import dev.nabla.optim.Optimizers;
import dev.nabla.tensor.Rng;
import dev.nabla.tensor.Shape;
import dev.nabla.tensor.Tensor;
import dev.nabla.testing.DArray;
import dev.nabla.testing.GradCheck;
import dev.nabla.train.FitOptions;
import dev.nabla.train.History;
import dev.nabla.train.ModelFile;
import dev.nabla.train.SavedModel;
import dev.nabla.train.Sequential;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.nabla.testing.DArray.random;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Permute, RepeatVector, ZeroPadding2D and UpSampling2D: values against PyTorch, gradients against double-precision
 * references, shapes, shape errors, configs and model files.
 *
 * <p>The PyTorch reference values were computed once (torch 2.13, CPU) with:
 * <pre>
 * import torch, torch.nn.functional as F
 * x = torch.arange(24.).reshape(2, 2, 3, 2) - 5;  x.permute(0, 2, 3, 1)
 * v = torch.tensor([[1., -2.], [3.5, 4.]]);       v.unsqueeze(1).expand(2, 3, 2)
 * p = torch.arange(6.).reshape(1, 1, 2, 3) + 1;   F.pad(p, (0, 1, 1, 2))   # (left, right, top, bottom)
 * u = (torch.arange(8.).reshape(1, 2, 2, 2) - 3).requires_grad_()
 * y = torch.nn.Upsample(scale_factor=(2, 3), mode='nearest')(u)
 * y.backward(torch.arange(float(y.numel())).reshape(y.shape)); u.grad
 * </pre>
 */
class ShapeLayersTest {

    @BeforeEach
    void freshNames() {
        Layer.resetNames();
    }

    private static Tensor arange(float from, int... shape) {
        float[] d = new float[Shape.size(shape)];
        for (int i = 0; i < d.length; i++) d[i] = from + i;
        return Tensor.of(d, shape);
    }

    // ---- values against PyTorch

    @Test
    void permuteNumbersTheAxesAfterTheBatchFromOneAsKerasAndMatchesTorchPermute() {
        Tensor y = new Permute(2, 3, 1).apply(arange(-5, 2, 2, 3, 2));
        assertThat(y.shape()).containsExactly(2, 3, 2, 2);
        assertThat(y.data()).containsExactly(-5f, 1f, -4f, 2f, -3f, 3f, -2f, 4f, -1f, 5f, 0f, 6f, 7f, 13f, 8f, 14f, 9f, 15f,
                10f, 16f, 11f, 17f, 12f, 18f);
    }

    @Test
    void repeatVectorMatchesTorchUnsqueezeExpand() {
        Tensor y = new RepeatVector(3).apply(Tensor.of(new float[][] {{1f, -2f}, {3.5f, 4f}}));
        assertThat(y.shape()).containsExactly(2, 3, 2);
        assertThat(y.data()).containsExactly(1f, -2f, 1f, -2f, 1f, -2f, 3.5f, 4f, 3.5f, 4f, 3.5f, 4f);
    }

    @Test
    void zeroPaddingTopBottomLeftRightMatchesTorchPad() {
        Tensor y = new ZeroPadding2D(1, 2, 0, 1).apply(arange(1, 1, 1, 2, 3));
        assertThat(y.shape()).containsExactly(1, 1, 5, 4);
        assertThat(y.data()).containsExactly(0f, 0f, 0f, 0f, 1f, 2f, 3f, 0f, 4f, 5f, 6f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f);
    }

    @Test
    void zeroPaddingOneValuePadsEverySideAndTwoValuesAreVerticalThenHorizontal() {
        Tensor x = arange(1, 2, 3, 4, 5);
        assertThat(new ZeroPadding2D(2).apply(x).data()).containsExactly(new ZeroPadding2D(2, 2, 2, 2).apply(x).data());
        assertThat(new ZeroPadding2D(1, 3).apply(x).data()).containsExactly(new ZeroPadding2D(1, 1, 3, 3).apply(x).data());
        assertThat(new ZeroPadding2D(1, 3).apply(x).shape()).containsExactly(2, 3, 6, 11);
        assertThat(new ZeroPadding2D(1, 3).padding()).containsExactly(1, 1, 3, 3);
    }

    @Test
    void upSamplingNearestMatchesTorchUpsampleAndItsBackwardSumsEachBlock() {
        Tensor u = arange(-3, 1, 2, 2, 2).requiresGrad(true);
        Tensor y = new UpSampling2D(2, 3).apply(u);
        assertThat(y.shape()).containsExactly(1, 2, 4, 6);
        assertThat(y.data()).containsExactly(-3f, -3f, -3f, -2f, -2f, -2f, -3f, -3f, -3f, -2f, -2f, -2f, -1f, -1f, -1f, 0f, 0f, 0f,
                -1f, -1f, -1f, 0f, 0f, 0f, 1f, 1f, 1f, 2f, 2f, 2f, 1f, 1f, 1f, 2f, 2f, 2f, 3f, 3f, 3f, 4f, 4f, 4f, 3f, 3f, 3f, 4f, 4f, 4f);
        Tensor g = Autograd.grad(y, List.of(u), arange(0, 1, 2, 4, 6), false).get(0);
        assertThat(g.data()).containsExactly(24f, 42f, 96f, 114f, 168f, 186f, 240f, 258f);
    }

    @Test
    void upSamplingOneFactorScalesBothAxes() {
        assertThat(new UpSampling2D(2).size()).containsExactly(2, 2);
        assertThat(new UpSampling2D(2).apply(arange(0, 1, 1, 2, 2)).data())
                .containsExactly(0f, 0f, 1f, 1f, 0f, 0f, 1f, 1f, 2f, 2f, 3f, 3f, 2f, 2f, 3f, 3f);
    }

    // ---- gradients in double precision

    @Test
    void permuteGradientMatchesTheReference() {
        GradCheck.check(in -> new Permute(2, 3, 1).apply(in[0]),
                in -> DArray.build(new int[] {2, 4, 5, 3}, i -> in[0].at(i[0], i[3], i[1], i[2])), random(1, 2, 3, 4, 5)).assertPassed();
    }

    @Test
    void repeatVectorGradientMatchesTheReference() {
        GradCheck.check(in -> new RepeatVector(4).apply(in[0]),
                in -> DArray.build(new int[] {3, 4, 5}, i -> in[0].at(i[0], i[2])), random(2, 3, 5)).assertPassed();
    }

    @Test
    void zeroPaddingGradientMatchesTheReference() {
        GradCheck.check(in -> new ZeroPadding2D(1, 2, 0, 3).apply(in[0]),
                in -> DArray.build(new int[] {2, 3, 7, 7}, i -> i[2] >= 1 && i[2] < 5 && i[3] < 4 ? in[0].at(i[0], i[1], i[2] - 1, i[3]) : 0),
                random(3, 2, 3, 4, 4)).assertPassed();
    }

    @Test
    void upSamplingGradientMatchesTheReference() {
        GradCheck.check(in -> new UpSampling2D(3, 2).apply(in[0]),
                in -> DArray.build(new int[] {2, 3, 12, 10}, i -> in[0].at(i[0], i[1], i[2] / 3, i[3] / 2)), random(4, 2, 3, 4, 5)).assertPassed();
    }

    // ---- shapes and errors

    @Test
    void outputShapesAreComputedWithoutRunningTheLayer() {
        assertThat(new Permute(3, 1, 2).outputShape(new int[] {8, 2, 3, 4})).containsExactly(8, 4, 2, 3);
        assertThat(new RepeatVector(5).outputShape(new int[] {8, 3})).containsExactly(8, 5, 3);
        assertThat(new ZeroPadding2D(1, 2).outputShape(new int[] {8, 3, 10, 10})).containsExactly(8, 3, 12, 14);
        assertThat(new UpSampling2D(2, 3).outputShape(new int[] {8, 3, 10, 10})).containsExactly(8, 3, 20, 30);
    }

    @Test
    void aBadPermutationIsRefusedNamingTheLayerAndTheDims() {
        assertThatThrownBy(() -> new Permute("swap", 1, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("swap: dims [1, 1] are not a permutation of 1..2 (axes after the batch axis, numbered from 1 as in Keras)");
        assertThatThrownBy(() -> new Permute("swap", 0, 1)).hasMessageContaining("swap: dims [0, 1] are not a permutation of 1..2");
        assertThatThrownBy(() -> new Permute("swap", 1, 3)).hasMessageContaining("swap: dims [1, 3] are not a permutation of 1..2");
    }

    @Test
    void aWrongInputRankIsRefusedNamingTheLayerAndTheShape() {
        assertThatThrownBy(() -> new Permute("swap", 2, 1).apply(Tensor.zeros(2, 3, 4, 5)))
                .hasMessage("swap expects input [batch, d1, d2] (rank 3 for dims [2, 1]), got [2, 3, 4, 5]");
        assertThatThrownBy(() -> new RepeatVector("rep", 2).apply(Tensor.zeros(2, 3, 4)))
                .hasMessage("rep expects input [batch, features], got [2, 3, 4]");
        assertThatThrownBy(() -> new ZeroPadding2D("pad", 1).apply(Tensor.zeros(2, 3, 4)))
                .hasMessage("pad expects input [batch, channels, height, width], got [2, 3, 4]");
        assertThatThrownBy(() -> new UpSampling2D("up", 2).outputShape(new int[] {2, 3}))
                .hasMessage("up expects input [batch, channels, height, width], got [2, 3]");
    }

    @Test
    void badArgumentsAreRefusedNamingTheLayerAndTheValues() {
        assertThatThrownBy(() -> new RepeatVector("rep", 0)).hasMessage("rep: the repeat count must be positive, got 0");
        assertThatThrownBy(() -> new ZeroPadding2D("pad", 1, 2, 3))
                .hasMessage("pad: padding [1, 2, 3] must be 1 value (all sides), 2 (vertical, horizontal) or 4 (top, bottom, left, right)");
        assertThatThrownBy(() -> new ZeroPadding2D("pad", 1, -1)).hasMessage("pad: padding [1, -1] has a negative width");
        assertThatThrownBy(() -> new UpSampling2D("up", 2, 0)).hasMessage("up: size [2, 0] must be 1 or 2 positive factors (both axes, or height and width)");
        assertThatThrownBy(() -> new UpSampling2D("up", 1, 2, 3)).hasMessageContaining("up: size [1, 2, 3]");
    }

    // ---- configs and model files

    @Test
    void configsRebuildTheSameLayers() {
        for (Layer layer : new Layer[] {new Permute(3, 1, 2), new RepeatVector(4), new ZeroPadding2D(1, 2, 3, 4), new UpSampling2D(2, 3)}) {
            Map<String, Object> c = Json.parseObject(Json.write(layer.config()));
            Layer back = Layers.fromConfig(c);
            assertThat(back.getClass()).isEqualTo(layer.getClass());
            assertThat(back.config()).isEqualTo(layer.config());
        }
        assertThat(new ZeroPadding2D(1).config().get("padding")).isEqualTo(List.of(1, 1, 1, 1));
    }

    @Test
    void badConfigFieldsAreNamed() {
        assertThatThrownBy(() -> Layers.fromConfig(Map.of("type", "Permute", "dims", List.of(2, "x")), "model.layers[1]"))
                .hasMessage("model.layers[1].dims[1]: expected a positive integer, got \"x\"");
        assertThatThrownBy(() -> Layers.fromConfig(Map.of("type", "Permute", "name", "p", "dims", List.of(2, 2)), "model.layers[1]"))
                .hasMessageStartingWith("model.layers[1]: p: dims [2, 2] are not a permutation of 1..2");
        assertThatThrownBy(() -> Layers.fromConfig(Map.of("type", "RepeatVector", "n", 0), "model.layers[2]"))
                .hasMessage("model.layers[2].n: expected a positive integer, got 0");
        assertThatThrownBy(() -> Layers.fromConfig(Map.of("type", "ZeroPadding2D", "padding", List.of(1, -2)), "model.layers[3]"))
                .hasMessage("model.layers[3].padding[1]: expected a non-negative integer, got -2");
        assertThatThrownBy(() -> Layers.fromConfig(Map.of("type", "UpSampling2D"), "model.layers[4]"))
                .hasMessage("model.layers[4].size: missing (expected an array)");
    }

    /** [n, 4] -> dense [n, 18] -> [n, 3, 18] ... every shape layer in one stack, as the ONNX export test uses it. */
    static Sequential allFour() {
        return Sequential.of(Dense.of(6), new RepeatVector(3), new Reshape(2, 3, 3), new ZeroPadding2D(1, 0, 2, 1),
                new UpSampling2D(2, 1), new Permute(3, 1, 2), new Flatten(), Dense.of(2));
    }

    @Test
    void aSequentialWithEveryShapeLayerTrainsSavesLoadsAndPredictsTheSame() {
        Sequential m = allFour();
        m.seed(5);
        Tensor x = Tensor.normal(new Rng(6), 0, 1, 16, 4), y = Tensor.normal(new Rng(7), 0, 1, 16, 2);
        m.compile(Optimizers.adam(1e-2f), Losses.mse());
        History h = m.fit(x, y, FitOptions.epochs(5).batchSize(8).seed(1));
        assertThat(h.get("loss").get(4)).isLessThan(h.get("loss").get(0)); // the gradient reaches the first Dense
        SavedModel back = ModelFile.fromBytes(ModelFile.toBytes(new SavedModel(m, Map.of(), null, Map.of())), "in memory");
        assertThat(back.model().predict(x).data()).containsExactly(m.predict(x).data());
        assertThat(back.model().summary()).isEqualTo(m.summary());
        assertThat(m.summary()).contains("[None, 3, 6]", "[None, 2, 3, 3]", "[None, 2, 4, 6]", "[None, 2, 8, 6]", "[None, 6, 2, 8]");
    }
}
