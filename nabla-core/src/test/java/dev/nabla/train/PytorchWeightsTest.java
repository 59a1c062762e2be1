package dev.nabla.train;

import dev.nabla.io.Json;
import dev.nabla.nn.Activation;
import dev.nabla.nn.ActivationLayer;
import dev.nabla.nn.BatchNormalization;
import dev.nabla.nn.Bidirectional;
import dev.nabla.nn.Conv2D;
import dev.nabla.nn.Dense;
import dev.nabla.nn.Embedding;
import dev.nabla.nn.Flatten;
import dev.nabla.nn.GRU;
import dev.nabla.nn.GlobalAveragePooling1D;
import dev.nabla.nn.Initializers;
import dev.nabla.nn.LSTM;
import dev.nabla.nn.Layer;
import dev.nabla.nn.LayerNormalization;
import dev.nabla.nn.MaxPool2D;
import dev.nabla.nn.MultiHeadAttention;
import dev.nabla.nn.Padding;
import dev.nabla.nn.TransformerEncoderLayer;
import dev.nabla.tensor.Tensor;
import dev.nabla.testing.Fixtures;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

/**
 * PyTorch state_dicts (src/test/resources/pytorch, made by state_dicts.py beside them with safetensors.torch.save_file)
 * load into matching Nabla models, which then predict PyTorch's outputs for the same inputs (outputs.json).
 */
class PytorchWeightsTest {

    @BeforeEach
    void freshNames() {
        Layer.resetNames();
    }

    private static Path resource(String name) {
        try {
            return Path.of(PytorchWeightsTest.class.getResource("/pytorch/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** PyTorch's input and output of one model in outputs.json. */
    private static Tensor[] reference(String model) throws Exception {
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) Json.parseObject(Files.readString(resource("outputs.json"))).get(model);
        return new Tensor[] {Fixtures.toTensor(m.get("input")), Fixtures.toTensor(m.get("output"))};
    }

    private static void assertPredicts(Model model, Tensor[] ref) {
        model.setTraining(false);
        Tensor got = model.predict(ref[0]);
        assertThat(got.shape()).containsExactly(ref[1].shape());
        double scale = 0;
        for (float v : ref[1].data()) scale = Math.max(scale, Math.abs(v));
        for (int i = 0; i < got.size(); i++) assertThat((double) got.data()[i]).as("output[%d]", i).isCloseTo(ref[1].data()[i], offset(1e-5 * scale));
    }

    /** Conv2d -> BatchNorm2d -> ReLU -> MaxPool2d -> Linear, its layers named conv, bn, classifier. */
    private static Sequential cnn() {
        Sequential m = Sequential.of(
                new Conv2D("conv", 3, 3, 1, Padding.VALID, true, Activation.LINEAR, Initializers.glorotUniform(), Initializers.zeros()),
                new BatchNormalization("bn", 0.1, 1e-5), new ActivationLayer(Activation.RELU), new MaxPool2D(2, 2), new Flatten(),
                new Dense("classifier", 5, Activation.LINEAR, Initializers.glorotUniform(), Initializers.zeros(), true));
        m.buildFor(1, 1, 8, 8);
        return m;
    }

    @Test
    void aCnnStateDictLoadsThroughAModuleMapAndPredictsPytorchsOutput() throws Exception {
        Sequential m = cnn();
        // PyTorch's nn.Sequential names its modules features.0, features.1; the Linear is classifier in both.
        m.loadPytorchWeights(resource("cnn.safetensors"), Map.of("features.0", "conv", "features.1", "bn"));
        assertPredicts(m, reference("cnn"));
    }

    /** Half-precision checkpoints (model.half() / bfloat16) load as float32: the outputs of the rounded parameters. */
    @Test
    void float16AndBfloat16StateDictsLoadAsFloat32() throws Exception {
        for (String dtype : List.of("f16", "bf16")) {
            Sequential m = cnn();
            m.loadPytorchWeights(resource("cnn_" + dtype + ".safetensors"), Map.of("features.0", "conv", "features.1", "bn"));
            assertPredicts(m, reference("cnn_" + dtype));
        }
    }

    /**
     * Embedding, a 2-layer LSTM (two Nabla layers, lstm and lstm_l1), a bidirectional GRU, MultiheadAttention, a
     * TransformerEncoderLayer, LayerNorm and Linear, each layer named as its module: no map needed.
     */
    @Test
    void aSequenceStateDictLoadsByNameAndPredictsPytorchsOutput() throws Exception {
        Sequential m = Sequential.of(new Embedding("embed", 10, 6, -1, Initializers.zeros()), new LSTM("lstm", 5, true), new LSTM("lstm_l1", 5, true),
                new Bidirectional("gru", new GRU("gru_cell", 4, true)), new MultiHeadAttention("attn", 2, 4, false),
                new TransformerEncoderLayer("enc", 8, 2, 12, 0.0, TransformerEncoderLayer.FeedForwardActivation.RELU, false, 1e-5),
                new GlobalAveragePooling1D(), new LayerNormalization("norm", 1e-5),
                new Dense("head", 3, Activation.LINEAR, Initializers.glorotUniform(), Initializers.zeros(), true));
        m.buildFor(1, 7);
        m.loadPytorchWeights(resource("sequence.safetensors"));
        assertPredicts(m, reference("sequence"));
    }

    @Test
    void namesThatMatchNothingAreListedOnBothSidesAndNothingIsLoaded() {
        Sequential m = cnn();
        List<Tensor> before = m.getWeights();
        assertThatThrownBy(() -> m.loadPytorchWeights(resource("cnn.safetensors"), Map.of("features.0", "conv")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cnn.safetensors does not fit model sequential, nothing was loaded:"
                        + " 4 PyTorch tensor(s) match no weight: [features.1.bias, features.1.running_mean, features.1.running_var, features.1.weight];"
                        + " 4 weight(s) have no tensor: [bn/gamma (as bn.weight), bn/beta (as bn.bias), bn/moving_mean (as bn.running_mean),"
                        + " bn/moving_variance (as bn.running_var)]");
        List<Tensor> after = m.getWeights();
        for (int i = 0; i < before.size(); i++) assertThat(after.get(i).data()).containsExactly(before.get(i).data());
    }

    @Test
    void aShapeMismatchNamesBothShapes() {
        Sequential m = Sequential.of(
                new Conv2D("conv", 3, 3, 1, Padding.VALID, true, Activation.LINEAR, Initializers.glorotUniform(), Initializers.zeros()),
                new BatchNormalization("bn", 0.1, 1e-5), new MaxPool2D(2, 2), new Flatten(),
                new Dense("classifier", 4, Activation.LINEAR, Initializers.glorotUniform(), Initializers.zeros(), true));
        m.buildFor(1, 1, 8, 8);
        assertThatThrownBy(() -> m.loadPytorchWeights(resource("cnn.safetensors"), Map.of("features.0", "conv", "features.1", "bn")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cnn.safetensors does not fit model sequential, nothing was loaded: shapes differ:"
                        + " classifier.weight is [5, 27], classifier/kernel needs [4, 27] (its [in, out] kernel transposed);"
                        + " classifier.bias is [5], classifier/bias needs [4]");
    }

    @Test
    void aModuleMapNamingAnUnknownLayerIsRefused() {
        Sequential m = cnn();
        assertThatThrownBy(() -> m.loadPytorchWeights(resource("cnn.safetensors"), Map.of("features.0", "conv1")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("cnn.safetensors: the module map names layers the model does not have: [conv1]; its layers: [");
    }
}
