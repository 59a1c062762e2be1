package example.outside;

import dev.nabla.nn.Activation;
import dev.nabla.nn.Conv2D;
import dev.nabla.nn.Dense;
import dev.nabla.nn.Flatten;
import dev.nabla.nn.GlobalAveragePooling1D;
import dev.nabla.nn.Layer;
import dev.nabla.nn.LayerNormalization;
import dev.nabla.nn.MaxPool2D;
import dev.nabla.nn.Padding;
import dev.nabla.nn.Reshape;
import dev.nabla.nn.TransformerEncoderLayer;
import dev.nabla.nn.losses.Losses;
import dev.nabla.optim.Optimizers;
import dev.nabla.tensor.Rng;
import dev.nabla.tensor.Tensor;
import dev.nabla.testing.RecycledPool;
import dev.nabla.train.FitOptions;
import dev.nabla.train.History;
import dev.nabla.train.metrics.Metrics;
import dev.nabla.train.Sequential;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A training step's values in recycled arrays ({@link dev.nabla.autograd.StepArrays}) train to the same bits as in new
 * arrays. The same models with a pass-through layer written here, outside Nabla, step without them, and are the
 * reference; the recycled run starts from arrays full of NaN, so a value read before it is written shows. The models
 * hold every op that takes such an array (linear layers, layer norm, attention, GELU, residual adds, convolution),
 * and predictions of more than 4096 floats, which the accuracy reads after the step.
 */
class StepArraysTrainingTest {

    private static final int SAMPLES = 96, CLASSES = 80;

    /** Returns its input; written outside Nabla, so a model holding it steps on new arrays. */
    static final class PassThrough extends Layer {
        PassThrough() {
            super(null);
        }

        @Override
        protected Tensor forward(Tensor x) {
            return x;
        }
    }

    /** Keeps its input of every training step, and a copy of its values then. */
    static final class Keeping extends Layer {
        final List<Tensor> kept = new ArrayList<>(), copies = new ArrayList<>();

        Keeping() {
            super(null);
        }

        @Override
        protected Tensor forward(Tensor x) {
            kept.add(x);
            copies.add(x.copy());
            return x;
        }
    }

    private static Sequential transformer(Layer extra) {
        return Sequential.of(new Reshape(8, 16), Dense.pytorchStyle(64, Activation.LINEAR), extra,
                new TransformerEncoderLayer(null, 64, 4, 128, 0.0, TransformerEncoderLayer.FeedForwardActivation.GELU, true, 1e-5),
                new GlobalAveragePooling1D(), new LayerNormalization(), Dense.of(CLASSES));
    }

    private static Sequential convolutional(Layer extra) {
        return Sequential.of(new Reshape(1, 16, 8), new Conv2D(8, 3, 1, Padding.VALID, true, Activation.RELU), extra, new Flatten(), Dense.of(CLASSES));
    }

    /**
     * Two fused blocks of a ReLU convolution and a 2x2 pool: the first layer's by the window-by-window kernel, the
     * second's by the GEMM; both write their pooled output into recycled arrays.
     */
    private static Sequential pooled(Layer extra) {
        return Sequential.of(new Reshape(2, 8, 8), new Conv2D(32, 3, 1, Padding.SAME, true, Activation.RELU), new MaxPool2D(2, 2),
                new Conv2D(16, 3, 1, Padding.SAME, true, Activation.RELU), new MaxPool2D(2, 2), extra, new Flatten(), Dense.of(CLASSES));
    }

    /** In place of the pass-through, a reshape to the same shape: Nabla's, so the model's step recycles. */
    @Test
    void aTransformerTrainsToTheBitsOfTheSameModelOnNewArrays() {
        trainsToTheSameBits(transformer(new PassThrough()), transformer(new Reshape(8, 64)));
    }

    @Test
    void aConvolutionalModelTrainsToTheBitsOfTheSameModelOnNewArrays() {
        trainsToTheSameBits(convolutional(new PassThrough()), convolutional(new Reshape(8, 14, 6)));
    }

    @Test
    void aModelOfFusedConvolutionsAndPoolsTrainsToTheBitsOfTheSameModelOnNewArrays() {
        trainsToTheSameBits(pooled(new PassThrough()), pooled(new Reshape(16, 2, 2)));
    }

    private static void trainsToTheSameBits(Sequential reference, Sequential recycled) {
        Tensor[] d = data();
        RecycledPool.drain(lengths());
        History want = train(reference, d);
        RecycledPool.poison(lengths());
        History got = train(recycled, d);
        assertThat(got.get("loss")).isEqualTo(want.get("loss"));
        assertThat(got.get("accuracy")).isEqualTo(want.get("accuracy"));
        assertThat(got.last("loss")).isFinite();
        List<Tensor> a = recycled.trainableParameters(), b = reference.trainableParameters();
        assertThat(a).hasSameSizeAs(b);
        for (int i = 0; i < a.size(); i++) assertThat(a.get(i).data()).as("parameter " + i).containsExactly(b.get(i).data());
    }

    /** A layer written outside Nabla that keeps the values it is given finds them as they were. */
    @Test
    void aLayerWrittenOutsideNablaKeepsItsInputsUnchanged() {
        Keeping keeping = new Keeping();
        train(transformer(keeping), data());
        assertThat(keeping.kept).hasSizeGreaterThan(4);
        for (int i = 0; i < keeping.kept.size(); i++) {
            assertThat(keeping.kept.get(i).data()).as("step " + i).containsExactly(keeping.copies.get(i).data());
        }
    }

    private static History train(Sequential m, Tensor[] d) {
        m.seed(7);
        m.compile(Optimizers.adam(1e-3), Losses.sparseCategoricalCrossentropy(true), Metrics.accuracy());
        return m.fit(d[0], d[1], FitOptions.epochs(2).batchSize(64).seed(9));
    }

    private static Tensor[] data() {
        Rng rng = new Rng(5);
        Tensor x = Tensor.randn(rng, SAMPLES, 128);
        float[] y = new float[SAMPLES];
        for (int i = 0; i < SAMPLES; i++) y[i] = i % CLASSES;
        return new Tensor[] {x, Tensor.of(y, SAMPLES)};
    }

    /**
     * The lengths of the step's values (batches of 64 and the last of 32): [b, 8, 64], [b, 8, 128], [b, 8, 192],
     * [b, 80], [b, 8, 14, 6], [b, 4, 8, 8], [b, 32, 4, 4], [b, 16, 2, 2].
     */
    private static int[] lengths() {
        List<Integer> out = new ArrayList<>();
        for (int b : new int[] {64, 32}) out.addAll(List.of(b * 8 * 64, b * 8 * 128, b * 8 * 192, b * CLASSES, b * 8 * 14 * 6, b * 4 * 8 * 8, b * 32 * 16, b * 16 * 4));
        return out.stream().mapToInt(Integer::intValue).toArray();
    }
}
