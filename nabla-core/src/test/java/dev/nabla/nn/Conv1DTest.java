package dev.nabla.nn;

import dev.nabla.tensor.Tensor;
import dev.nabla.testing.DArray;
import dev.nabla.testing.GradCheck;
import dev.nabla.testing.ModelRoundTrip;
import dev.nabla.train.Sequential;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.function.IntToDoubleFunction;

import static dev.nabla.testing.DArray.random;
import static dev.nabla.testing.Fixtures.assertClose;
import static dev.nabla.testing.Fixtures.sequence;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class Conv1DTest {

    @BeforeEach
    void freshNames() {
        Layer.resetNames();
    }

    @Test
    void conv1dWithPaddingOneMatchesPyTorch() {
        String c = "conv1d";
        Conv1D conv = new Conv1D(4, 3, 1, 1, 1, true, Activation.LINEAR);
        Tensor x = sequence(c, "x").requiresGrad(true);
        conv.buildFor(x.shape());
        System.arraycopy(sequence(c, "param.weight").data(), 0, conv.kernel().data(), 0, conv.kernel().size());
        System.arraycopy(sequence(c, "param.bias").data(), 0, conv.bias().data(), 0, 4);
        Tensor y = conv.apply(x);
        assertClose("y", y, sequence(c, "y"));
        y.mul(sequence(c, "up")).sum().backward();
        assertClose("grad x", x.grad(), sequence(c, "grad.x"));
        assertClose("grad weight", conv.kernel().grad(), sequence(c, "grad.param.weight"));
        assertClose("grad bias", conv.bias().grad(), sequence(c, "grad.param.bias"));
    }

    // PyTorch's numbers, from conv1d_same_reference.py beside this test.
        private static final float[] stride2Dilation2Y = {0.974590313f, 1.792535740f, 1.316611840f, 0.047404580f, -1.148083635f, -2.063431134f, -1.579072283f, -0.551131166f, 0.712779919f, 0.294237886f, 0.120216946f, -1.017144500f, -1.219108201f, -0.783401652f, 0.688098924f, 1.984152685f, 2.249839930f, 1.355086100f, -0.196156683f, -0.748012641f, -0.322880823f, -0.058955106f, 1.245091248f, 1.793264009f, 1.531313576f, 0.021071560f, -1.199799509f, -1.837227592f, -1.565976403f, -0.715442383f, 0.043038789f, 0.584230551f, -0.299456519f, -1.026508998f, -1.325453013f, -0.049453985f, 0.814521949f, 2.034707640f, 2.242919576f, 1.589527628f};
        private static final float[] stride2Dilation2GradX = {0.000000000f, 1.114258292f, 0.000000000f, 0.845257339f, 0.000000000f, 0.271752690f, 0.000000000f, -0.368286496f, 0.000000000f, 0.019653823f, 0.000000000f, -0.835163883f, 0.000000000f, -0.780253007f, 0.000000000f, -0.059836053f, 0.000000000f, 0.675230854f, 0.000000000f, 0.485434332f, 0.000000000f, 0.416571739f, 0.000000000f, 0.584922724f, 0.000000000f, -0.162075022f, 0.000000000f, -0.869391150f, 0.000000000f, -0.909440208f, 0.000000000f, -0.356686103f, 0.000000000f, -0.175871240f, 0.000000000f, 0.460505605f, 0.000000000f, 0.984134617f, 0.000000000f, 0.555952675f, 0.000000000f, 0.006072313f, 0.000000000f, -0.054408474f, 0.000000000f, -0.775587773f, 0.000000000f, -1.306876135f, 0.000000000f, -1.081047249f, 0.000000000f, 0.345555738f, 0.000000000f, 0.275600320f, 0.000000000f, 0.961123225f, 0.000000000f, 1.411329645f, 0.000000000f, 1.425574097f};
        private static final float[] stride2Dilation2GradW = {2.203404093f, 3.986210108f, 2.408817178f, -2.813027374f, -3.521689515f, -1.014001092f, 2.568053118f, 1.987279871f, -0.688868461f, -3.206545565f, -3.374736962f, -1.037286701f, 2.567283821f, 1.695345793f, -0.959610777f, -1.148081415f, 0.499091320f, 2.664978562f, 2.934402921f, 1.421087835f, -0.746785943f, -1.300498711f, 0.805258598f, 2.551573187f, -0.728496926f, -2.786967519f, -3.581192659f, -1.495210767f, 1.097746070f, 2.233852281f, -0.483511343f, -2.985601362f, -3.128742360f, 2.315342737f, 3.966431150f, 3.073120709f};
        private static final float[] stride1Dilation3Y = {0.405071336f, 0.191048671f, 0.351407611f, 0.437136117f, 0.436631238f, 0.349961308f, 0.188856695f, -0.024877848f, 0.276124730f, 0.161832621f, 0.047215999f, -0.352202534f, -0.194589696f, -0.024174585f, 0.135977911f, 0.264191904f, 0.343114231f, 0.362063126f, 0.369778357f, 0.459815688f, -0.404890312f, -0.733988041f, -0.680028565f, -0.534030412f, -0.315753748f, -0.054741296f, 0.213680134f, 0.453180960f, 0.162669382f, 0.399392242f, -0.597776796f, -0.645858002f, -0.730097950f, -0.701988035f, -0.565332802f, -0.338627895f, -0.052556760f, 0.254162216f, -0.148584167f, 0.083268956f, -0.449087267f, -0.673056710f, -0.480931178f, -0.250782930f, -0.013761450f, 0.198053515f, 0.355993805f, 0.438682941f, 0.075350931f, 0.219398544f, -0.599514128f, -0.512831866f, -0.560948043f, -0.546677065f, -0.471950442f, -0.346882071f, -0.188399369f, -0.017952228f, -0.386097599f, -0.185083997f, -0.430140881f, -0.088302837f, -0.345855670f, -0.556598561f, -0.692008448f, -0.733758238f, -0.676197292f, -0.527116215f, -0.664380053f, -0.535093861f, 0.014618170f, 0.392759643f, 0.090661232f, -0.210173220f, -0.469027181f, -0.650865983f, -0.731078597f, -0.698808621f, -0.517311550f, -0.542524678f};

    private static Tensor filled(IntToDoubleFunction f, int... shape) {
        float[] d = new float[dev.nabla.tensor.Shape.size(shape)];
        for (int i = 0; i < d.length; i++) d[i] = (float) f.applyAsDouble(i);
        return Tensor.of(d, shape);
    }

    @Test
    void samePaddingWithStrideAndDilationMatchesPyTorch() {
        Tensor x = filled(i -> Math.sin(0.37 * i + 0.1), 2, 3, 10).requiresGrad(true);
        Tensor b = filled(i -> 0.1 * i - 0.2, 4);
        Tensor up = filled(i -> Math.cos(0.5 * i), 2, 4, 5);
        // stride 2, dilation 2: output ceil(10 / 2) = 5, padding 1 on the left and 2 on the right
        Conv1D conv = new Conv1D(4, 3, 2, Padding.SAME, 2, true, Activation.LINEAR);
        conv.buildFor(x.shape());
        System.arraycopy(filled(i -> 0.5 * Math.cos(0.91 * i), 4, 3, 3).data(), 0, conv.kernel().data(), 0, 36);
        System.arraycopy(b.data(), 0, conv.bias().data(), 0, 4);
        Tensor y = conv.apply(x);
        assertClose("y", y, Tensor.of(stride2Dilation2Y, 2, 4, 5));
        y.mul(up).sum().backward();
        assertClose("grad x", x.grad(), Tensor.of(stride2Dilation2GradX, 2, 3, 10));
        assertClose("grad kernel", conv.kernel().grad(), Tensor.of(stride2Dilation2GradW, 4, 3, 3));
        assertThat(conv.pads(10)).containsExactly(1, 2);
        // stride 1, dilation 3, even kernel: PyTorch's own padding='same'
        Conv1D same = new Conv1D(4, 2, 1, Padding.SAME, 3, true, Activation.LINEAR);
        same.buildFor(x.shape());
        System.arraycopy(filled(i -> 0.5 * Math.cos(0.91 * i), 4, 3, 2).data(), 0, same.kernel().data(), 0, 24);
        System.arraycopy(b.data(), 0, same.bias().data(), 0, 4);
        assertClose("same y", same.apply(x), Tensor.of(stride1Dilation3Y, 2, 4, 10));
    }

    /** The convolution by its definition, in double precision: out[n, f, o] = b[f] + sum x[n, c, o*s + j*d - left] w[f, c, j]. */
    private static DArray conv(DArray x, DArray w, DArray b, int stride, int dilation, int left, int outL) {
        int channels = x.shape()[1], length = x.shape()[2], k = w.shape()[2];
        return DArray.build(new int[] {x.shape()[0], w.shape()[0], outL}, i -> {
            double s = b.at(i[1]);
            for (int c = 0; c < channels; c++) {
                for (int j = 0; j < k; j++) {
                    int at = i[2] * stride + j * dilation - left;
                    if (at >= 0 && at < length) s += x.at(i[0], c, at) * w.at(i[1], c, j);
                }
            }
            return s;
        });
    }

    @Test
    void stridedDilatedAndPaddedConvolutionsMatchTheirDefinitionAndItsGradients() {
        DArray x = random(1, 2, 3, 11), w = random(2, 4, 3, 3), b = random(3, 4);
        // VALID, stride 2, dilation 2: span 5, output (11 - 5) / 2 + 1 = 4
        GradCheck.check(in -> Convolution.conv1d(in[0], in[1], in[2], 2, 0, 2, false), in -> conv(in[0], in[1], in[2], 2, 2, 0, 4), x, w, b).assertPassed();
        // SAME, stride 3, dilation 2: output ceil(11 / 3) = 4, total padding 3 * 3 + 5 - 11 = 3, so 1 on the left
        GradCheck.check(in -> Convolution.conv1d(in[0], in[1], in[2], 3, -1, 2, false), in -> conv(in[0], in[1], in[2], 3, 2, 1, 4), x, w, b).assertPassed();
        // two zeros on each side, stride 2: output (15 - 3) / 2 + 1 = 7
        GradCheck.check(in -> Convolution.conv1d(in[0], in[1], in[2], 2, 2, 1, false), in -> conv(in[0], in[1], in[2], 2, 1, 2, 7), x, w, b).assertPassed();
        // 11 sequences (uneven backward chunks), the fused ReLU, padding wider than the kernel's reach at the edges
        DArray xb = random(4, 11, 2, 6), wb = random(5, 3, 2, 2), bb = random(6, 3);
        GradCheck.check(in -> Convolution.conv1d(in[0], in[1], in[2], 1, 3, 1, true),
                in -> conv(in[0], in[1], in[2], 1, 1, 3, 11).map(v -> Math.max(v, 0)), xb, wb, bb).assertPassed();
    }

    @Test
    void withoutBiasAndWithAnActivationTheLayerIsTheConvolutionThenTheActivation() {
        Conv1D conv = new Conv1D(3, 2, 1, Padding.VALID, 1, false, Activation.TANH);
        Tensor x = Tensor.normal(new dev.nabla.tensor.Rng(3), 0, 1, 2, 4, 6);
        Tensor y = conv.apply(x);
        assertThat(conv.weights()).hasSize(1);
        assertThat(y.data()).containsExactly(Convolution.conv1d(x, conv.kernel(), null, 1, 0, 1, false).tanh().data());
    }

    @Test
    void pytorchStyleInitialisesKernelAndBiasWithinOneOverTheRootOfTheFanIn() {
        Conv1D conv = Conv1D.pytorchStyle(8, 5, 1, 2, 1, Activation.LINEAR);
        conv.buildFor(1, 20, 30);
        double bound = 1 / Math.sqrt(20 * 5);
        for (Tensor t : List.of(conv.kernel(), conv.bias())) {
            float max = 0;
            for (float v : t.data()) max = Math.max(max, Math.abs(v));
            assertThat((double) max).isLessThanOrEqualTo(bound).isGreaterThan(0.8 * bound);
        }
    }

    @Test
    void badInputsAreRefusedNamingTheLayer() {
        Conv1D conv = new Conv1D(2, 5, 1, Padding.VALID, 2, true, Activation.LINEAR);
        conv.apply(Tensor.zeros(1, 3, 9));
        assertThatThrownBy(() -> conv.apply(Tensor.zeros(1, 2, 9))).hasMessage("conv1d expects input [batch, 3, length], got [1, 2, 9]");
        assertThatThrownBy(() -> conv.apply(Tensor.zeros(1, 3, 8)))
                .hasMessage("conv1d: kernel 5 with dilation 2 and padding valid does not fit input [1, 3, 8]");
        assertThatThrownBy(() -> new Conv1D(2, 3, 1, -2, 1, true, Activation.LINEAR)).hasMessageContaining("padding must be at least 0");
        assertThatThrownBy(() -> new Conv1D(2, 3, 1, Padding.VALID, 0, true, Activation.LINEAR)).hasMessageContaining("dilation must be positive");
    }

    @Test
    void theConfigRebuildsTheSameLayerForEachKindOfPadding() {
        for (Conv1D conv : List.of(new Conv1D(4, 3, 2, Padding.SAME, 2, true, Activation.RELU), new Conv1D(4, 3),
                new Conv1D(4, 3, 1, 2, 3, false, Activation.GELU), Conv1D.pytorchStyle(2, 1, 1, 0, 1, Activation.LINEAR))) {
            Map<String, Object> c = conv.config();
            Layer back = Layers.fromConfig(c);
            assertThat(back).isInstanceOf(Conv1D.class);
            assertThat(back.config()).isEqualTo(c);
        }
        assertThat(new Conv1D(4, 3, 1, 2, 3, false, Activation.GELU).config()).containsEntry("padding", 2);
        assertThat(new Conv1D(4, 3).config()).containsEntry("padding", "valid");
        assertThatThrownBy(() -> Layers.fromConfig(Map.of("type", "Conv1D", "filters", 2, "kernel_size", 3, "stride", 1, "padding", -3, "dilation", 1,
                "use_bias", true, "activation", "linear"), "model.layers[0]")).hasMessageContaining("model.layers[0].padding")
                .hasMessageContaining("expected \"valid\", \"same\" or a number of zeros (at least 0), got -3");
        assertThatThrownBy(() -> Layers.fromConfig(Map.of("type", "Conv1D", "filters", 2, "kernel_size", 3, "stride", 1, "padding", "full", "dilation", 1,
                "use_bias", true, "activation", "linear"), "model.layers[0]")).hasMessageContaining("got \"full\"");
    }

    @Test
    void aModelWithAConv1DRoundTripsThroughItsFileAndSummary() {
        Sequential m = Sequential.of(new Conv1D(4, 3, 2, Padding.SAME, 1, true, Activation.RELU), new Conv1D(2, 2, 1, 1, 2, true, Activation.TANH), new Flatten());
        m.seed(5);
        Tensor x = Tensor.normal(new dev.nabla.tensor.Rng(6), 0, 1, 3, 2, 9);
        ModelRoundTrip.assertSameAfterSaving(m, x);
        assertThat(m.summary()).contains("conv1d (Conv1D)").contains("[None, 4, 5]").contains("[None, 2, 5]").contains("[None, 10]");
    }
}
