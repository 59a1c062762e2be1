package dev.nabla.nn;

import dev.nabla.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static dev.nabla.testing.Fixtures.assertClose;
import static dev.nabla.testing.Fixtures.tensor;

/** Activations and layers against PyTorch (float64 reference, float32 tolerance): outputs and gradients of sum(up * y). */
class LayerFixtureTest {

    @ParameterizedTest
    @CsvSource({"sigmoid,sigmoid", "tanh,tanh", "relu,relu", "leaky_relu_0.01,leaky_relu", "elu_1.0,elu", "gelu_erf,gelu",
            "gelu_tanh,gelu_tanh", "softplus,softplus", "softmax_lastdim,softmax", "log_softmax_lastdim,log_softmax", "exp,exp"})
    void activationsMatchPyTorch(String fixture, String activation) {
        Tensor x = tensor("activations", "x").requiresGrad(true);
        Tensor y = activation.equals("exp") ? x.exp() : new ActivationLayer(Activation.parse(activation)).apply(x);
        assertClose(fixture, y, tensor("activations", fixture, "y"));
        y.mul(tensor("activations", "up")).sum().backward();
        assertClose(fixture + " gradient", x.grad(), tensor("activations", fixture, "grad"));
    }

    @Test
    void conv2dWithPaddingOneMatchesPyTorch() {
        String c = "conv2d";
        Conv2D conv = new Conv2D(4, 3, 1, Padding.SAME, true, Activation.LINEAR);
        Tensor x = tensor(c, "x").requiresGrad(true);
        conv.buildFor(x.shape());
        conv.kernel().data();
        System.arraycopy(tensor(c, "w").data(), 0, conv.kernel().data(), 0, conv.kernel().size());
        System.arraycopy(tensor(c, "b").data(), 0, conv.bias().data(), 0, 4);
        Tensor y = conv.apply(x);
        assertClose("y", y, tensor(c, "y"));
        y.mul(tensor(c, "up")).sum().backward();
        assertClose("grad x", x.grad(), tensor(c, "grad_x"));
        assertClose("grad w", conv.kernel().grad(), tensor(c, "grad_w"));
        assertClose("grad b", conv.bias().grad(), tensor(c, "grad_b"));
    }

    @Test
    void maxAndAveragePoolingMatchPyTorch() {
        String c = "pool2d_k2_s2";
        for (boolean max : new boolean[] {true, false}) {
            String p = max ? "max" : "avg";
            Tensor x = tensor(c, "x").requiresGrad(true);
            Tensor y = (max ? new MaxPool2D(2, 2) : new AvgPool2D(2, 2)).apply(x);
            assertClose(p + " y", y, tensor(c, p + "_y"));
            y.mul(tensor(c, "up")).sum().backward();
            assertClose(p + " grad x", x.grad(), tensor(c, p + "_grad_x"));
        }
    }

    @Test
    void batchNormalizationInTrainingMatchesPyTorch() {
        String c = "batchnorm1d_train";
        BatchNormalization bn = new BatchNormalization();
        Tensor x = tensor(c, "x").requiresGrad(true);
        bn.buildFor(x.shape());
        Tensor gamma = bn.weights().get(0).value(), beta = bn.weights().get(1).value();
        System.arraycopy(tensor(c, "gamma").data(), 0, gamma.data(), 0, gamma.size());
        System.arraycopy(tensor(c, "beta").data(), 0, beta.data(), 0, beta.size());
        Tensor y = bn.apply(x);
        assertClose("y", y, tensor(c, "y"));
        y.mul(tensor(c, "up")).sum().backward();
        assertClose("grad x", x.grad(), tensor(c, "grad_x"), 1e-3, 1e-4);
        assertClose("grad gamma", gamma.grad(), tensor(c, "grad_gamma"));
        assertClose("grad beta", beta.grad(), tensor(c, "grad_beta"));
    }

    @Test
    void layerNormalizationMatchesPyTorch() {
        String c = "layernorm_lastdim";
        LayerNormalization ln = new LayerNormalization();
        Tensor x = tensor(c, "x").requiresGrad(true);
        ln.buildFor(x.shape());
        Tensor gamma = ln.weights().get(0).value(), beta = ln.weights().get(1).value();
        System.arraycopy(tensor(c, "gamma").data(), 0, gamma.data(), 0, gamma.size());
        System.arraycopy(tensor(c, "beta").data(), 0, beta.data(), 0, beta.size());
        Tensor y = ln.apply(x);
        assertClose("y", y, tensor(c, "y"));
        y.mul(tensor(c, "up")).sum().backward();
        assertClose("grad x", x.grad(), tensor(c, "grad_x"), 1e-3, 1e-4);
        assertClose("grad gamma", gamma.grad(), tensor(c, "grad_gamma"));
        assertClose("grad beta", beta.grad(), tensor(c, "grad_beta"));
    }
}
