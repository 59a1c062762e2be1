package dev.nabla.nn;

import dev.nabla.tensor.Tensor;
import dev.nabla.testing.DArray;
import dev.nabla.testing.GradCheck;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.nabla.testing.DArray.random;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Layers: gradient checks against double-precision references, modes, configs and shape errors. */
class LayersTest {

    @BeforeEach
    void freshNames() {
        Layer.resetNames();
    }

    /** Direct convolution in double precision (NCHW, kernel [f, c, k, k]) with explicit zero padding. */
    static DArray conv(DArray x, DArray w, DArray b, int stride, int padTop, int padLeft, int outH, int outW) {
        int n = x.shape()[0], c = x.shape()[1], h = x.shape()[2], wd = x.shape()[3], f = w.shape()[0], k = w.shape()[2];
        return DArray.build(new int[] {n, f, outH, outW}, i -> {
            double s = b.at(i[1]);
            for (int ch = 0; ch < c; ch++) {
                for (int ky = 0; ky < k; ky++) {
                    for (int kx = 0; kx < k; kx++) {
                        int y = i[2] * stride + ky - padTop, xx = i[3] * stride + kx - padLeft;
                        if (y >= 0 && y < h && xx >= 0 && xx < wd) s += x.at(i[0], ch, y, xx) * w.at(i[1], ch, ky, kx);
                    }
                }
            }
            return s;
        });
    }

    @Test
    void defaultNamesAreTheTypeInSnakeCaseWithDigitsKeptToTheirWord() {
        assertThat(Dense.of(1).name()).isEqualTo("dense");
        assertThat(Dense.of(1).name()).isEqualTo("dense_1");
        assertThat(new Conv2D(1, 3, 1, Padding.VALID, true, Activation.LINEAR).name()).isEqualTo("conv2d");
        assertThat(new MaxPool2D(2, 2).name()).isEqualTo("max_pool2d");
        assertThat(new BatchNormalization().name()).isEqualTo("batch_normalization");
        assertThat(new UpSampling2D(2).name()).isEqualTo("up_sampling2d");
    }

    @Test
    void conv2dStrideTwoSamePaddingMatchesADirectConvolutionAndItsGradients() {
        DArray x = random(1, 2, 3, 7, 6), w = random(2, 4, 3, 3, 3), b = random(3, 4);
        // SAME with stride 2: out = ceil(7/2) x ceil(6/2) = 4 x 3; padding totals 2 and 1, so top 1 and left 0.
        GradCheck.check(in -> Convolution.conv2d(in[0], in[1], in[2], 2, Padding.SAME, false),
                in -> conv(in[0], in[1], in[2], 2, 1, 0, 4, 3), x, w, b).assertPassed();
        GradCheck.check(in -> Convolution.conv2d(in[0], in[1], in[2], 2, Padding.SAME, true),
                in -> conv(in[0], in[1], in[2], 2, 1, 0, 4, 3).map(v -> Math.max(v, 0)), x, w, b).assertPassed();
        DArray xv = random(4, 1, 2, 6, 6), wv = random(5, 3, 2, 3, 3), bv = random(6, 3);
        GradCheck.check(in -> Convolution.conv2d(in[0], in[1], in[2], 1, Padding.VALID, false),
                in -> conv(in[0], in[1], in[2], 1, 0, 0, 4, 4), xv, wv, bv).assertPassed();
        // 11 images: the backward pass's chunks of images are uneven (2, 2, 2, 2, 2, 1); stride 2 with SAME padding.
        DArray xb = random(7, 11, 2, 5, 5), wb = random(8, 3, 2, 3, 3), bb = random(9, 3);
        GradCheck.check(in -> Convolution.conv2d(in[0], in[1], in[2], 2, Padding.SAME, true),
                in -> conv(in[0], in[1], in[2], 2, 1, 1, 3, 3).map(v -> Math.max(v, 0)), xb, wb, bb).assertPassed();
    }

    /** 2x2, stride-2 max pooling of the ReLU of a double-precision convolution. */
    private static DArray reluMaxPool(DArray conv) {
        int[] s = conv.shape();
        return DArray.build(new int[] {s[0], s[1], s[2] / 2, s[3] / 2}, i -> {
            double m = 0; // the ReLU: pooled values are never below zero
            for (int dy = 0; dy < 2; dy++) for (int dx = 0; dx < 2; dx++) m = Math.max(m, conv.at(i[0], i[1], 2 * i[2] + dy, 2 * i[3] + dx));
            return m;
        });
    }

    @Test
    void fusedConvolutionReluAndMaxPoolingMatchesTheReferenceAndItsGradients() {
        // 9 images (uneven backward chunks); odd 5x5 outputs, so the pool drops the last row and column.
        DArray x = random(21, 9, 2, 7, 7), w = random(22, 3, 2, 3, 3), b = random(23, 3);
        GradCheck.check(in -> ConvReluMaxPool.apply(in[0], in[1], in[2], 1, Padding.VALID),
                in -> reluMaxPool(conv(in[0], in[1], in[2], 1, 0, 0, 5, 5)), x, w, b).assertPassed();
        DArray xs = random(24, 2, 2, 6, 5);
        GradCheck.check(in -> ConvReluMaxPool.apply(in[0], in[1], in[2], 2, Padding.SAME),
                in -> reluMaxPool(conv(in[0], in[1], in[2], 2, 0, 1, 3, 3)), xs, w, b).assertPassed(); // pads: top 0, left 1
    }

    @Test
    void aSequentialFusesReluConvolutionAndMaxPoolingWithTheSameValuesAndGradientsAsTheLayers() {
        Conv2D conv = new Conv2D(4, 3, 1, Padding.VALID, true, Activation.RELU);
        MaxPool2D pool = new MaxPool2D(2, 2);
        dev.nabla.train.Sequential model = dev.nabla.train.Sequential.of(conv, pool, new Flatten());
        assertFusedAsTheLayers(model, conv, pool);
        assertThat(pool.isBuilt()).isTrue();
        // Not fused: another activation, or another pooling.
        assertThat(Fusions.of(new Conv2D(4, 3, 1, Padding.VALID, true, Activation.TANH), pool)).isNull();
        assertThat(Fusions.of(new Conv2D(4, 3), new MaxPool2D(3, 2))).isNull();
    }

    @Test
    void aFunctionalModelFusesReluConvolutionAndMaxPoolingWithTheSameValuesAndGradientsAsTheLayers() {
        Conv2D conv = new Conv2D(4, 3, 1, Padding.VALID, true, Activation.RELU);
        MaxPool2D pool = new MaxPool2D(2, 2);
        SymbolicTensor in = Input.of("x", 2, 10, 9);
        dev.nabla.train.Functional model = dev.nabla.train.Model.of(in, new Flatten().call(pool.call(conv.call(in))));
        assertFusedAsTheLayers(model, conv, pool);
    }

    /**
     * {@code model} (conv, pool, flatten) runs one fused op with the values and gradients of the three layers: here
     * window by window (ConvPool2x2), whose sums are rounded in another order, so to within rounding.
     */
    private static void assertFusedAsTheLayers(dev.nabla.train.Model model, Conv2D conv, MaxPool2D pool) {
        model.seed(3);
        Tensor x = Tensor.randn(new dev.nabla.tensor.Rng(4), 11, 2, 10, 9).requiresGrad(true);
        Tensor fused = model.apply(x);
        assertThat(fused.node().inputs()[0].node().op()).isEqualTo("conv2d_relu_maxpool2d");
        fused.sum().backward();
        float[] dx = x.grad().data().clone(), dk = conv.kernel().grad().data().clone(), db = conv.bias().grad().data().clone();
        x.zeroGrad();
        conv.kernel().zeroGrad();
        conv.bias().zeroGrad();
        Tensor separate = new Flatten().apply(pool.apply(conv.apply(x)));
        separate.sum().backward();
        org.assertj.core.data.Offset<Float> rounding = org.assertj.core.data.Offset.offset(1e-4f);
        assertThat(fused.data()).containsExactly(separate.data(), rounding);
        assertThat(dx).containsExactly(x.grad().data(), rounding);
        assertThat(dk).containsExactly(conv.kernel().grad().data(), rounding);
        assertThat(db).containsExactly(conv.bias().grad().data(), rounding);
    }

    @Test
    void aFunctionalModelDoesNotFuseAConvolutionWhoseOutputIsAlsoUsedElsewhereAndStaysCorrect() {
        Conv2D conv = new Conv2D(4, 3, 1, Padding.VALID, true, Activation.RELU);
        MaxPool2D pool = new MaxPool2D(2, 2);
        SymbolicTensor in = Input.of("x", 2, 10, 9);
        SymbolicTensor c = conv.call(in), p = pool.call(c);
        Tensor x = Tensor.randn(new dev.nabla.tensor.Rng(4), 11, 2, 10, 9);
        // The convolution also feeds another layer, or is itself an output: its value must exist, so no fusion.
        dev.nabla.train.Functional alsoFeedsAnother = dev.nabla.train.Model.of(in,
                new Concatenate().call(new Flatten().call(p), new GlobalAveragePooling2D().call(c)));
        dev.nabla.train.Functional alsoAnOutput = dev.nabla.train.Model.of(List.of(in), Map.of("pooled", p, "conv", c));
        alsoFeedsAnother.seed(3);
        Tensor y = alsoFeedsAnother.apply(x);
        y.sum().backward();
        float[] dk = conv.kernel().grad().data().clone();
        conv.kernel().zeroGrad();
        Tensor convolved = conv.apply(x), pooled = pool.apply(convolved);
        Tensor separate = new Concatenate().apply(new Flatten().apply(pooled), new GlobalAveragePooling2D().apply(convolved));
        separate.sum().backward();
        assertThat(y.data()).containsExactly(separate.data());
        assertThat(dk).containsExactly(conv.kernel().grad().data());
        Map<String, Tensor> outs = alsoAnOutput.apply(Map.of("x", x));
        assertThat(outs.get("pooled").node().op()).isEqualTo("max_pool2d");
        assertThat(outs.get("pooled").data()).containsExactly(pooled.data());
        assertThat(outs.get("conv").data()).containsExactly(convolved.data());
    }

    @Test
    void denseWeightGradientsAddIntoGradInBackwardAndAreReturnedByGradWithoutTouchingIt() {
        Dense dense = Dense.of(128, Activation.RELU); // 128 x 128 weights: large enough to take the direct path
        dense.buildFor(5, 128);
        Tensor x = Tensor.randn(new dev.nabla.tensor.Rng(8), 5, 128);
        List<Tensor> weights = List.of(dense.kernel(), dense.bias());
        List<Tensor> returned = dev.nabla.autograd.Autograd.grad(dense.apply(x).square().sum(), weights);
        assertThat(dense.kernel().grad()).isNull(); // grad(...) leaves .grad() alone
        dense.apply(x).square().sum().backward();
        dense.apply(x).square().sum().backward(); // adds up, as PyTorch's .grad
        for (int i = 0; i < 2; i++) {
            float[] twice = returned.get(i).mul(2f).data();
            assertThat(weights.get(i).grad().data()).containsExactly(twice, within(1e-5f));
        }
    }

    @Test
    void theFusedAffineOpGivesTheValuesAndInputAndKernelGradientsOfMatmulAddAndReluBitForBit() {
        dev.nabla.tensor.Rng rng = new dev.nabla.tensor.Rng(30);
        // [5, 4] @ [4, 3], and [32, 200] @ [200, 96], whose kernel gradient goes straight into .grad().
        for (int[] mkn : new int[][] {{5, 4, 3}, {32, 200, 96}}) {
            for (boolean relu : new boolean[] {true, false}) {
                for (boolean withBias : new boolean[] {true, false}) {
                    Tensor x = Tensor.randn(rng, mkn[0], mkn[1]).requiresGrad(true);
                    Tensor w = Tensor.randn(rng, mkn[1], mkn[2]).requiresGrad(true);
                    Tensor b = withBias ? Tensor.randn(rng, mkn[2]).requiresGrad(true) : null;
                    Tensor seed = Tensor.randn(rng, mkn[0], mkn[2]);
                    List<Tensor> leaves = withBias ? List.of(x, w, b) : List.of(x, w);
                    List<float[]> fused = new java.util.ArrayList<>(), composed = new java.util.ArrayList<>();
                    Tensor yFused = null, yComposed = null;
                    for (int pass = 0; pass < 2; pass++) { // the second pass adds onto the first's .grad()
                        yFused = Affine.apply(x, w, b, relu);
                        yFused.backward(seed);
                    }
                    for (Tensor t : leaves) {
                        fused.add(t.grad().data().clone());
                        t.zeroGrad();
                        t.setGrad(null);
                    }
                    for (int pass = 0; pass < 2; pass++) {
                        Tensor z = withBias ? x.matmul(w).add(b) : x.matmul(w);
                        yComposed = relu ? z.relu() : z;
                        yComposed.backward(seed);
                    }
                    for (Tensor t : leaves) composed.add(t.grad().data());
                    String what = java.util.Arrays.toString(mkn) + (relu ? " relu" : "") + (withBias ? " bias" : "");
                    assertThat(yFused.data()).as(what).containsExactly(yComposed.data());
                    assertThat(fused.get(0)).as(what + " dX").containsExactly(composed.get(0));
                    assertThat(fused.get(1)).as(what + " dW").containsExactly(composed.get(1));
                    // db adds the rows in float, one after another; the composed add's sum() in its own order.
                    if (withBias) assertThat(fused.get(2)).as(what + " db").containsExactly(composed.get(2), within(1e-5f));
                }
            }
        }
    }

    @Test
    void aLinearDenseAndAReluActivationLayerRunAsOneAffineOpInSequentialAndFunctionalModels() {
        Dense dense = Dense.of(6);
        ActivationLayer relu = new ActivationLayer(Activation.RELU);
        SymbolicTensor in = Input.of("x", 5);
        for (dev.nabla.train.Model model : List.of(dev.nabla.train.Sequential.of(dense, relu),
                dev.nabla.train.Model.of(in, relu.call(dense.call(in))))) {
            model.seed(3);
            Tensor x = Tensor.randn(new dev.nabla.tensor.Rng(4), 7, 5);
            Tensor fused = model.apply(x);
            assertThat(fused.node().op()).isEqualTo("linear_relu");
            assertThat(relu.isBuilt()).isTrue();
            fused.sum().backward();
            float[] dk = dense.kernel().grad().data().clone(), db = dense.bias().grad().data().clone();
            dense.kernel().zeroGrad();
            dense.bias().zeroGrad();
            Tensor separate = relu.apply(dense.apply(x));
            assertThat(separate.node().op()).isEqualTo("relu");
            separate.sum().backward();
            assertThat(fused.data()).containsExactly(separate.data());
            assertThat(dk).containsExactly(dense.kernel().grad().data());
            assertThat(db).containsExactly(dense.bias().grad().data());
            dense.kernel().zeroGrad();
            dense.bias().zeroGrad();
        }
        // Not fused: an activation other than the ReLU, or a Dense layer with an activation of its own.
        assertThat(Fusions.of(Dense.of(6), new ActivationLayer(Activation.TANH))).isNull();
        assertThat(Fusions.of(Dense.of(6, Activation.TANH), relu)).isNull();
    }

    @Test
    void maxPoolingSendsEachWindowsGradientToOneWinnerTheFirstAmongEqualMaxima() {
        // Windows: all equal; top-right ties bottom-left; bottom-right alone; negatives with a tie along the bottom.
        Tensor x = Tensor.of(new float[] {
                5, 5, 1, 7, 0, 0, -4, -9,
                5, 5, 7, 2, 0, 3, -2, -2}, 1, 1, 2, 8).requiresGrad(true);
        for (int[] poolStride : new int[][] {{2, 2}, {2, 3}}) { // the unrolled path, then the general one
            x.zeroGrad();
            Tensor y = new MaxPool2D(poolStride[0], poolStride[1]).apply(x);
            y.backward(Tensor.arange(1, y.size() + 1, 1).reshape(y.shape())); // window i's gradient is i + 1
            if (poolStride[1] == 2) {
                assertThat(y.data()).containsExactly(5, 7, 3, -2);
                assertThat(x.grad().data()).containsExactly(1, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 4, 0);
            } else { // windows at columns 0-1, 3-4, 6-7
                assertThat(y.data()).containsExactly(5, 7, -2);
                assertThat(x.grad().data()).containsExactly(1, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0);
            }
        }
    }

    @Test
    void denseAndPoolingAndNormalizationPassGradientChecks() {
        DArray w = random(8, 4, 3).roundedToFloat(), b = random(9, 3).roundedToFloat();
        Dense dense = Dense.of(3, Activation.TANH);
        dense.buildFor(1, 4);
        System.arraycopy(w.toTensor().data(), 0, dense.kernel().data(), 0, 12);
        System.arraycopy(b.toTensor().data(), 0, dense.bias().data(), 0, 3);
        GradCheck.check(in -> dense.apply(in[0]), in -> in[0].matmul(w).add(b).map(Math::tanh), random(7, 5, 4)).assertPassed();
        // The fused linear / linear+ReLU op, against the composed reference (inputs away from the ReLU kink).
        GradCheck.check(in -> Affine.apply(in[0], in[1], in[2], true), in -> in[0].matmul(in[1]).add(in[2]).map(v -> Math.max(v, 0)),
                random(13, 6, 4), random(14, 4, 3), random(15, 3)).assertPassed();
        GradCheck.check(in -> Affine.apply(in[0], in[1], in[2], false), in -> in[0].matmul(in[1]).add(in[2]),
                random(16, 6, 4), random(17, 4, 3), random(18, 3)).assertPassed();
        GradCheck.check(in -> new AvgPool2D(2, 1).apply(in[0]), in -> DArray.build(new int[] {1, 2, 3, 3}, i -> (in[0].at(i[0], i[1], i[2], i[3])
                + in[0].at(i[0], i[1], i[2] + 1, i[3]) + in[0].at(i[0], i[1], i[2], i[3] + 1) + in[0].at(i[0], i[1], i[2] + 1, i[3] + 1)) / 4),
                random(10, 1, 2, 4, 4)).assertPassed();
        // Max pooling: the unrolled 2x2 / stride-2 path (odd input, last row and column dropped) and the general one.
        for (int[] ps : new int[][] {{2, 2}, {3, 2}, {2, 1}}) {
            int pool = ps[0], stride = ps[1], o = (5 - pool) / stride + 1;
            GradCheck.check(in -> new MaxPool2D(pool, stride).apply(in[0]), in -> DArray.build(new int[] {2, 3, o, o}, i -> {
                double m = Double.NEGATIVE_INFINITY;
                for (int ky = 0; ky < pool; ky++) for (int kx = 0; kx < pool; kx++) m = Math.max(m, in[0].at(i[0], i[1], i[2] * stride + ky, i[3] * stride + kx));
                return m;
            }), random(19 + pool + stride, 2, 3, 5, 5)).assertPassed();
        }
        GradCheck.check(in -> new GlobalAveragePooling2D().apply(in[0]), in -> in[0].mean(new int[] {2, 3}, false), random(11, 2, 3, 4, 4)).assertPassed();
        GradCheck.check(in -> {
            BatchNormalization bn = new BatchNormalization();
            return bn.apply(in[0]);
        }, in -> {
            DArray mean = in[0].mean(new int[] {0, 2, 3}, true);
            DArray var = in[0].var(new int[] {0, 2, 3}, 0, true);
            return in[0].sub(mean).div(var.map(v -> Math.sqrt(v + 1e-5)));
        }, random(12, 3, 2, 3, 3)).assertPassed();
    }

    @Test
    void batchNormalizationUsesRunningStatisticsInInference() {
        BatchNormalization bn = new BatchNormalization();
        Tensor x = Tensor.of(new float[][] {{1, 10}, {3, 30}});
        bn.apply(x);
        Tensor runningMean = bn.weights().get(2).value(), runningVar = bn.weights().get(3).value();
        assertThat(runningMean.data()).containsExactly(0.2f, 2f);
        assertThat(runningVar.data()[0]).isCloseTo(0.9f + 0.1f * 2f, org.assertj.core.data.Offset.offset(1e-6f)); // unbiased batch var 2
        bn.setTraining(false);
        Tensor y = bn.apply(Tensor.of(new float[][] {{0.2f, 2f}}));
        assertThat(y.data()).containsExactly(new float[] {0, 0}, org.assertj.core.data.Offset.offset(1e-6f));
        assertThat(bn.trainableParameters()).hasSize(2);
    }

    @Test
    void dropoutIsSeededScaledAndOffInInference() {
        Dropout a = new Dropout(0.5), b = new Dropout(0.5);
        a.seed(3);
        b.seed(3);
        Tensor x = Tensor.ones(1000);
        Tensor ya = a.apply(x), yb = b.apply(x);
        assertThat(ya.data()).containsExactly(yb.data());
        int kept = 0;
        for (float v : ya.data()) {
            assertThat(v).isIn(0f, 2f);
            if (v != 0) kept++;
        }
        assertThat(kept).isBetween(430, 570);
        a.setTraining(false);
        assertThat(a.apply(x).data()).containsOnly(1f);
    }

    @Test
    void everyLayerRebuildsFromItsConfig() {
        List<Layer> layers = List.of(new Dense(null, 5, Activation.GELU, Initializers.heNormal(), Initializers.constant(0.1), false),
                new Conv2D(4, 3, 2, Padding.SAME, true, Activation.RELU), new MaxPool2D(2, 2), new AvgPool2D(3, 1),
                new GlobalAveragePooling2D(), new Flatten(), new Reshape(2, 3), new Dropout(0.3), new BatchNormalization(null, 0.2, 1e-3),
                new LayerNormalization(null, 1e-6), new ActivationLayer(Activation.SOFTPLUS));
        for (Layer l : layers) {
            Map<String, Object> c = l.config();
            Layer back = Layers.fromConfig(c);
            assertThat(back.getClass()).isEqualTo(l.getClass());
            assertThat(back.config()).isEqualTo(c);
        }
        assertThatThrownBy(() -> Layers.fromConfig(Map.of("type", "Mystery", "name", "m"))).hasMessageContaining("unknown layer type 'Mystery'");
    }

    @Test
    void shapeErrorsNameTheLayer() {
        Dense d = new Dense("dense_2", 4, Activation.LINEAR, Initializers.zeros(), Initializers.zeros(), true);
        d.apply(Tensor.zeros(1, 32));
        assertThatThrownBy(() -> d.apply(Tensor.zeros(16, 30))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("dense_2 expects input [*, 32], got [16, 30]");
        Conv2D c = new Conv2D(2, 3);
        c.apply(Tensor.zeros(1, 3, 5, 5));
        assertThatThrownBy(() -> c.apply(Tensor.zeros(1, 1, 5, 5))).hasMessageContaining("conv2d expects input [batch, 3, height, width], got [1, 1, 5, 5]");
    }

    @Test
    void frozenLayersOfferNoParameters() {
        Dense d = Dense.of(2);
        d.buildFor(1, 3);
        assertThat(d.trainableParameters()).hasSize(2);
        d.setTrainable(false);
        assertThat(d.trainableParameters()).isEmpty();
        assertThat(d.parameterCount()).isEqualTo(8);
    }
}
