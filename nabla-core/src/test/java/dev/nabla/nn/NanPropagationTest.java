package dev.nabla.nn;

import dev.nabla.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A NaN reaching a ReLU or a max pooling comes out as NaN on every path (so the NaN guard sees it), and the gradient
 * at it is PyTorch's. With torch 2.13:
 * <pre>
 * x = torch.tensor([nan, -1., 0., 2.], requires_grad=True); y = F.relu(x); y.backward(torch.ones(4))
 * # y = [nan, 0, 0, 2], x.grad = [1, 0, 0, 1]: relu's backward masks with "output &gt; 0 or not a number"
 * F.leaky_relu(x, 0.01) -&gt; grad 0.01 at nan;  F.elu(x, 0.5) -&gt; grad 1 at nan;  gelu, sigmoid, tanh, softplus -&gt; nan
 * F.max_pool2d(torch.tensor([[[[1., nan], [nan, 3.]]]]), 2) -&gt; nan, its gradient goes to the last nan (row-major)
 * </pre>
 * Both signs of NaN are tried: Java's arithmetic makes either.
 */
class NanPropagationTest {

    private static final float NAN = Float.NaN;
    private static final float NEGATIVE_NAN = Float.intBitsToFloat(0xffc00000);
    /** NaN, -NaN, -1, 0, 2 and the gradient of their ReLU's sum. */
    private static final float[] INPUT = {NAN, NEGATIVE_NAN, -1, 0, 2};
    private static final float[] RELU = {NAN, NAN, 0, 0, 2};
    private static final float[] RELU_GRADIENT = {1, 1, 0, 0, 1};

    private static Tensor input(int... shape) {
        return Tensor.of(INPUT.clone(), shape).requiresGrad(true);
    }

    @Test
    void tensorReluKeepsNaNAndPassesTheGradientThere() {
        Tensor x = input(5);
        Tensor y = x.relu();
        assertThat(y.data()).containsExactly(RELU);
        y.sum().backward();
        assertThat(x.grad().data()).containsExactly(RELU_GRADIENT);
    }

    @Test
    void reluActivationKeepsNaNAndPassesTheGradientThere() {
        Tensor x = input(5);
        Tensor y = Activation.RELU.apply(x);
        assertThat(y.data()).containsExactly(RELU);
        y.sum().backward();
        assertThat(x.grad().data()).containsExactly(RELU_GRADIENT);
    }

    @Test
    void denseWithFusedReluKeepsNaNAndPassesTheGradientThere() {
        Tensor x = input(5, 1), kernel = Tensor.of(new float[] {1}, 1, 1).requiresGrad(true), bias = Tensor.zeros(1).requiresGrad(true);
        Tensor y = Affine.apply(x, kernel, bias, true);
        assertThat(y.node().op()).isEqualTo("linear_relu");
        assertThat(y.data()).containsExactly(RELU);
        y.sum().backward();
        assertThat(x.grad().data()).containsExactly(RELU_GRADIENT);
        assertThat(bias.grad().item()).isEqualTo(3f);
    }

    @Test
    void conv2dWithReluKeepsNaNAndPassesTheGradientThere() {
        Tensor x = input(1, 1, 1, 5), kernel = Tensor.of(new float[] {1}, 1, 1, 1, 1).requiresGrad(true), bias = Tensor.zeros(1).requiresGrad(true);
        Tensor y = Convolution.conv2d(x, kernel, bias, 1, Padding.VALID, true);
        assertThat(y.data()).containsExactly(RELU);
        y.sum().backward();
        assertThat(x.grad().data()).containsExactly(RELU_GRADIENT);
        assertThat(bias.grad().item()).isEqualTo(3f);
    }

    /** Two 2x2 windows: {-1, NaN, -2, -3} (no positive value) and {-NaN, 5, 1, 2}; then one without a NaN. */
    private static final float[] WINDOWS = {
            -1, NAN, NEGATIVE_NAN, 5, 1, 7,
            -2, -3, 1, 2, 3, -4};

    @Test
    void fusedConv2dReluMaxPoolKeepsNaNAndSendsTheGradientToIt() {
        Tensor x = Tensor.of(WINDOWS.clone(), 1, 1, 2, 6).requiresGrad(true);
        Tensor kernel = Tensor.of(new float[] {1}, 1, 1, 1, 1), bias = Tensor.zeros(1);
        Tensor y = ConvReluMaxPool.apply(x, kernel, bias, 1, Padding.VALID);
        assertThat(y.data()).containsExactly(NAN, NAN, 7);
        y.sum().backward();
        assertThat(x.grad().data()).containsExactly(0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0);
    }

    @Test
    void maxPoolingKeepsNaNAndSendsTheGradientToTheLastNaNOfTheWindow() {
        // Windows {1, NaN, NaN, 3} (the last NaN, in row-major order, wins, as PyTorch's), {-NaN, 4, 2, 8}, {5, 6, 7, 0}.
        Tensor x = Tensor.of(new float[] {
                1, NAN, NEGATIVE_NAN, 4, 5, 6,
                NAN, 3, 2, 8, 7, 0}, 1, 1, 2, 6).requiresGrad(true);
        Tensor y = new MaxPool2D(2, 2).apply(x); // the unrolled 2x2 path
        assertThat(y.data()).containsExactly(NAN, NAN, 7);
        y.sum().backward();
        assertThat(x.grad().data()).containsExactly(0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0);

        x.zeroGrad();
        Tensor general = new MaxPool2D(2, 4).apply(x); // the general path: windows at columns 0-1 and 4-5
        assertThat(general.data()).containsExactly(NAN, 7);
        general.sum().backward();
        assertThat(x.grad().data()).containsExactly(0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0);
    }

    @Test
    void otherActivationsKeepNaNWithPyTorchsGradientThere() {
        float[] torchGradientAtNaN = {0.01f, 1, NAN, NAN, NAN, NAN, NAN};
        Activation[] activations = {Activation.LEAKY_RELU, Activation.ELU, Activation.GELU, Activation.GELU_TANH,
                Activation.SIGMOID, Activation.TANH, Activation.SOFTPLUS};
        for (int i = 0; i < activations.length; i++) {
            for (float nan : new float[] {NAN, NEGATIVE_NAN}) {
                Tensor x = Tensor.of(new float[] {nan}, 1).requiresGrad(true);
                Tensor y = activations[i].apply(x);
                assertThat(y.item()).as(activations[i] + " of " + Integer.toHexString(Float.floatToRawIntBits(nan))).isNaN();
                y.sum().backward();
                assertThat((Float) x.grad().item()).as(activations[i] + " gradient").isEqualTo((Float) torchGradientAtNaN[i]); // boxed: NaN equals NaN
            }
        }
    }
}
