package dev.nabla.nn;

import dev.nabla.tensor.Tensor;

import static dev.nabla.testing.Fixtures.assertClose;
import static dev.nabla.testing.Fixtures.tensorIn;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Loads PyTorch's parameters of a fixture entry into a layer as they are, and compares the layer's gradients with
 * PyTorch's, through the name mapping the attention layers document: {@code <layer>/self_attn/in_proj_weight} is
 * {@code self_attn.in_proj_weight}, {@code out_proj_weight} is {@code out_proj.weight}, a LayerNormalization's
 * {@code norm1/gamma} and {@code norm1/beta} are {@code norm1.weight} and {@code norm1.bias}.
 */
final class TorchParameters {

    private TorchParameters() {
    }

    /** PyTorch's name of a Nabla weight of {@code layer}. */
    static String torchName(Layer layer, Weight w) {
        String local = w.name().substring(layer.name().length() + 1);
        return local.replace('/', '.').replace("out_proj_", "out_proj.").replaceAll("\\.gamma$", ".weight").replaceAll("\\.beta$", ".bias");
    }

    /** Copies every parameter of the entry into the built layer; each weight must have its PyTorch shape. */
    static void load(Layer layer, String file, String entry) {
        for (Weight w : layer.weights()) {
            Tensor torch = tensorIn(file, entry, "param." + torchName(layer, w));
            assertThat(w.value().shape()).as(w.name()).containsExactly(torch.shape());
            System.arraycopy(torch.data(), 0, w.value().data(), 0, torch.size());
        }
    }

    /** Every weight's gradient against PyTorch's. */
    static void assertGradients(Layer layer, String file, String entry) {
        for (Weight w : layer.weights()) {
            assertClose("gradient of " + w.name(), w.value().grad(), tensorIn(file, entry, "grad.param." + torchName(layer, w)));
        }
    }
}
