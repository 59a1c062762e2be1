package dev.nabla.nn;

import dev.nabla.explain.GradientCheck;
import dev.nabla.tensor.Rng;
import dev.nabla.tensor.Tensor;
import dev.nabla.train.Functional;
import dev.nabla.train.Model;
import dev.nabla.train.ModelFile;
import dev.nabla.train.Sequential;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.List;

import static dev.nabla.nn.TransformerBlock.FeedForwardActivation.GELU;
import static dev.nabla.nn.TransformerBlock.FeedForwardActivation.RELU;
import static dev.nabla.testing.Fixtures.assertClose;
import static dev.nabla.testing.Fixtures.tensorIn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The encoder and decoder layers against PyTorch's (fixtures; numbers made by transformer_reference.py beside this). */
class TransformerLayersTest {

    private static final String TRANSFORMER = "pytorch-transformer.json";

    @BeforeEach
    void freshNames() {
        Layer.resetNames();
    }

    @Test
    void thePreNormEncoderLayerWithGeluMatchesPyTorch() {
        String file = "pytorch-sequence.json", c = "transformer_encoder_prenorm";
        TransformerEncoderLayer enc = new TransformerEncoderLayer(null, 8, 2, 16, 0.0, GELU, true, 1e-5);
        Tensor x = tensorIn(file, c, "x").requiresGrad(true);
        enc.buildFor(x.shape());
        TorchParameters.load(enc, file, c);
        Tensor y = enc.apply(x);
        assertClose("y", y, tensorIn(file, c, "y"));
        y.mul(tensorIn(file, c, "up")).sum().backward();
        assertClose("grad x", x.grad(), tensorIn(file, c, "grad.x"));
        TorchParameters.assertGradients(enc, file, c);
    }

    @ParameterizedTest
    @ValueSource(strings = {"prenorm", "postnorm"})
    void theEncoderLayerWithReluAndAPaddingMaskMatchesPyTorch(String norm) {
        String c = "encoder_relu_" + norm;
        TransformerEncoderLayer enc = new TransformerEncoderLayer(null, 8, 2, 16, 0.0, RELU, norm.equals("prenorm"), 1e-5);
        Tensor x = tensorIn(TRANSFORMER, c, "x").requiresGrad(true);
        enc.buildFor(x.shape());
        TorchParameters.load(enc, TRANSFORMER, c);
        Tensor y = enc.applyMasked(new Tensor[] {x}, new Tensor[] {tensorIn(TRANSFORMER, c, "mask")});
        assertClose("y", y, tensorIn(TRANSFORMER, c, "y"));
        y.mul(tensorIn(TRANSFORMER, c, "up")).sum().backward();
        assertClose("grad x", x.grad(), tensorIn(TRANSFORMER, c, "grad.x"));
        TorchParameters.assertGradients(enc, TRANSFORMER, c);
    }

    @ParameterizedTest
    @ValueSource(strings = {"prenorm", "postnorm"})
    void theDecoderLayerWithCausalSelfAttentionAndAMemoryMaskMatchesPyTorch(String norm) {
        String c = "decoder_gelu_" + norm;
        TransformerDecoderLayer dec = new TransformerDecoderLayer(null, 8, 2, 16, 0.0, GELU, norm.equals("prenorm"), 1e-5);
        Tensor x = tensorIn(TRANSFORMER, c, "x").requiresGrad(true), memory = tensorIn(TRANSFORMER, c, "memory").requiresGrad(true);
        dec.buildFor(x.shape());
        TorchParameters.load(dec, TRANSFORMER, c);
        Tensor y = dec.applyMasked(new Tensor[] {x, memory}, new Tensor[] {null, tensorIn(TRANSFORMER, c, "memory_mask")});
        assertClose("y", y, tensorIn(TRANSFORMER, c, "y"));
        y.mul(tensorIn(TRANSFORMER, c, "up")).sum().backward();
        assertClose("grad x", x.grad(), tensorIn(TRANSFORMER, c, "grad.x"));
        assertClose("grad memory", memory.grad(), tensorIn(TRANSFORMER, c, "grad.memory"));
        TorchParameters.assertGradients(dec, TRANSFORMER, c);
    }

    @Test
    void theWeightsHavePyTorchsNamesUnderTheLayersName() {
        TransformerEncoderLayer enc = new TransformerEncoderLayer("enc", 8, 2, 16, 0.1, RELU, false, 1e-5);
        enc.buildFor(1, 3, 8);
        assertThat(enc.weights()).extracting(Weight::name).containsExactlyInAnyOrder("enc/linear1/weight", "enc/linear1/bias",
                "enc/linear2/weight", "enc/linear2/bias", "enc/self_attn/in_proj_weight", "enc/self_attn/in_proj_bias",
                "enc/self_attn/out_proj_weight", "enc/self_attn/out_proj_bias", "enc/norm1/gamma", "enc/norm1/beta", "enc/norm2/gamma", "enc/norm2/beta");
        assertThat(enc.weights().get(0).value().shape()).containsExactly(16, 8);
    }

    @Test
    void everyParameterPassesTheGradientCheck() {
        Tensor x = Tensor.randn(new Rng(1), 2, 4, 6), memory = Tensor.randn(new Rng(2), 2, 3, 6);
        Tensor up = Tensor.randn(new Rng(3), 2, 4, 6), mask = Tensor.of(new float[] {1, 1, 1, 0, 1, 1, 1, 1}, 2, 4);
        for (boolean normFirst : new boolean[] {true, false}) {
            TransformerEncoderLayer enc = new TransformerEncoderLayer(null, 6, 2, 10, 0.0, GELU, normFirst, 1e-5);
            enc.seed(4);
            for (GradientCheck.Result r : GradientCheck.of(enc, () -> enc.applyMasked(new Tensor[] {x}, new Tensor[] {mask}).mul(up).sum(), 10)) {
                assertThat(r.passed()).as("encoder normFirst " + normFirst + ": " + r).isTrue();
            }
            TransformerDecoderLayer dec = new TransformerDecoderLayer(null, 6, 3, 10, 0.0, GELU, normFirst, 1e-5);
            dec.seed(5);
            for (GradientCheck.Result r : GradientCheck.of(dec, () -> dec.apply(x, memory).mul(up).sum(), 10)) {
                assertThat(r.passed()).as("decoder normFirst " + normFirst + ": " + r).isTrue();
            }
        }
    }

    @Test
    void dropoutActsInTrainingOnlyAndIsSeeded() {
        Tensor x = Tensor.randn(new Rng(1), 2, 4, 8);
        TransformerEncoderLayer a = new TransformerEncoderLayer(8, 2, 16), b = new TransformerEncoderLayer(8, 2, 16);
        a.seed(3);
        b.seed(3);
        Tensor trainA = a.apply(x), trainB = b.apply(x);
        assertThat(trainA.data()).containsExactly(trainB.data());
        a.setTraining(false);
        Tensor inference = a.apply(x);
        assertThat(inference.data()).isNotEqualTo(trainA.data()).containsExactly(a.apply(x).data());
    }

    @Test
    void configsAndModelFilesRebuildBothLayers(@TempDir Path dir) {
        for (Layer layer : new Layer[] {new TransformerEncoderLayer("enc", 8, 2, 16, 0.2, GELU, true, 1e-6),
                new TransformerDecoderLayer("dec", 8, 4, 12, 0.0, RELU, false, 1e-5)}) {
            Layer back = Layers.fromConfig(layer.config());
            assertThat(back.getClass()).isEqualTo(layer.getClass());
            assertThat(back.config()).isEqualTo(layer.config());
        }
        SymbolicTensor x = Input.of("x", 4, 8), memory = Input.of("memory", 3, 8);
        SymbolicTensor encoded = new TransformerEncoderLayer(null, 8, 2, 16, 0.0, GELU, true, 1e-5).call(memory);
        SymbolicTensor decoded = new TransformerDecoderLayer(null, 8, 2, 16, 0.0, RELU, false, 1e-5).call(x, encoded);
        Functional model = Model.of(List.of(x, memory), new Dense(3).call(decoded));
        model.seed(9);
        Path file = dir.resolve("seq2seq.nabla");
        ModelFile.save(file, model);
        Model loaded = ModelFile.load(file).model();
        List<Tensor> in = List.of(Tensor.randn(new Rng(1), 2, 4, 8), Tensor.randn(new Rng(2), 2, 3, 8));
        model.setTraining(false);
        assertThat(((Functional) loaded).apply(in).get(0).data()).containsExactly(model.apply(in).get(0).data());
        assertThat(loaded.summary()).isEqualTo(model.summary()).contains("TransformerDecoderLayer");

        Sequential seq = Sequential.of(new TransformerEncoderLayer(8, 2, 16), new TransformerEncoderLayer(8, 2, 16));
        seq.seed(2).buildFor(1, 5, 8);
        ModelFile.save(file, seq);
        Tensor t = Tensor.randn(new Rng(4), 3, 5, 8);
        assertThat(ModelFile.load(file).model().predict(t).data()).containsExactly(seq.predict(t).data());
    }

    @Test
    void badSizesAreRefusedNamingTheLayer() {
        assertThatThrownBy(() -> new TransformerEncoderLayer(10, 3, 16)).hasMessageContaining("10").hasMessageContaining("3");
        TransformerDecoderLayer dec = new TransformerDecoderLayer("dec", 8, 2, 16, 0.1, RELU, false, 1e-5);
        assertThatThrownBy(() -> dec.apply(Tensor.ones(2, 4, 8))).hasMessageContaining("dec takes two inputs");
        assertThatThrownBy(() -> dec.apply(Tensor.ones(2, 4, 8), Tensor.ones(2, 3, 6))).hasMessageContaining("dec").hasMessageContaining("[2, 3, 6]");
    }
}
