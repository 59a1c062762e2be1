package dev.nabla.nn;

import dev.nabla.tensor.Rng;
import dev.nabla.tensor.Tensor;
import dev.nabla.testing.DArray;
import dev.nabla.testing.GradCheck;
import dev.nabla.testing.ModelRoundTrip;
import dev.nabla.train.Sequential;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.nabla.testing.DArray.random;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class Pooling1DTest {

    @BeforeEach
    void freshNames() {
        Layer.resetNames();
    }

    /** Windows of {@code pool} steps every {@code stride} steps, as PyTorch's: floor((length - pool) / stride) + 1 of them. */
    private static DArray pooled(DArray x, int pool, int stride, boolean max) {
        int[] s = x.shape();
        return DArray.build(new int[] {s[0], s[1], (s[2] - pool) / stride + 1}, i -> {
            double m = Double.NEGATIVE_INFINITY, sum = 0;
            for (int j = 0; j < pool; j++) {
                double v = x.at(i[0], i[1], i[2] * stride + j);
                m = Math.max(m, v);
                sum += v;
            }
            return max ? m : sum / pool;
        });
    }

    @Test
    void maxAndAveragePoolingMatchTheirDefinitionAndGradients() {
        DArray x = random(1, 2, 3, 9);
        // pool 3, stride 2 on 9 steps: 4 overlapping windows; pool 2 with the default stride 2: 4 windows, the last step dropped
        GradCheck.check(in -> new MaxPool1D(3, 2).apply(in[0]), in -> pooled(in[0], 3, 2, true), x).assertPassed();
        GradCheck.check(in -> new AvgPool1D(3, 2).apply(in[0]), in -> pooled(in[0], 3, 2, false), x).assertPassed();
        GradCheck.check(in -> new MaxPool1D(2).apply(in[0]), in -> pooled(in[0], 2, 2, true), x).assertPassed();
        GradCheck.check(in -> new AvgPool1D(2).apply(in[0]), in -> pooled(in[0], 2, 2, false), x).assertPassed();
        assertThat(new MaxPool1D(2).apply(Tensor.zeros(1, 1, 9)).shape()).containsExactly(1, 1, 4);
    }

    @Test
    void maxPoolingGivesTiesToTheFirstAndPropagatesNaN() {
        Tensor x = Tensor.of(new float[] {1, 3, 3, Float.NaN, 2, 0}, 1, 1, 6).requiresGrad(true);
        Tensor y = new MaxPool1D(3).apply(x);
        assertThat(y.data()[0]).isEqualTo(3f);
        assertThat(y.data()[1]).isNaN();
        y.sum().backward();
        assertThat(x.grad().data()).containsExactly(0, 1, 0, 1, 0, 0);
    }

    @Test
    void globalPoolingPoolsStepsChannelsLastAndLengthChannelsFirst() {
        DArray x = random(2, 2, 4, 3);
        GradCheck.check(in -> new GlobalAveragePooling1D().apply(in[0]), in -> in[0].mean(new int[] {1}, false), x).assertPassed();
        GradCheck.check(in -> new GlobalMaxPooling1D().apply(in[0]), in -> in[0].max(new int[] {1}, false), x).assertPassed();
        GradCheck.check(in -> new GlobalAveragePooling1D(DataFormat.CHANNELS_FIRST).apply(in[0]), in -> in[0].mean(new int[] {2}, false), x).assertPassed();
        GradCheck.check(in -> new GlobalMaxPooling1D(DataFormat.CHANNELS_FIRST).apply(in[0]), in -> in[0].max(new int[] {2}, false), x).assertPassed();
        assertThat(new GlobalAveragePooling1D().outputShape(new int[] {8, 4, 3})).containsExactly(8, 3);
        assertThat(new GlobalAveragePooling1D(DataFormat.CHANNELS_FIRST).outputShape(new int[] {8, 4, 3})).containsExactly(8, 4);
    }

    /** An embedding whose table row i is (i, 10 i): the pooled values show which steps were kept. */
    private static Embedding counting(int vocab) {
        Embedding e = Embedding.of(vocab, 2).paddingIndex(0);
        e.buildFor(1, 1);
        float[] t = e.embeddings().data();
        for (int i = 0; i < vocab; i++) {
            t[2 * i] = i;
            t[2 * i + 1] = -10 * i;
        }
        return e;
    }

    @Test
    void paddedStepsAreLeftOutOfTheMeanAndTheMaximum() {
        Tensor ids = Tensor.of(new float[] {3, 1, 0, 0, 2, 4, 4, 0, 0, 0, 0, 0}, 3, 4);
        Tensor mean = Sequential.of(counting(5), new GlobalAveragePooling1D()).apply(ids);
        // (3 + 1) / 2, (2 + 4 + 4) / 3; an all-padding sequence pools to 0
        assertThat(mean.data()).containsExactly(2, -20, 10f / 3, -100f / 3, 0, 0);
        Tensor max = Sequential.of(counting(5), new GlobalMaxPooling1D()).apply(ids);
        // without the mask the padding rows (0, 0) would win the second column
        assertThat(max.data()).containsExactly(3, -10, 4, -20, 0, 0);
    }

    @Test
    void maskedPoolingHasTheGradientOfTheRealStepsAlone() {
        Tensor x = Tensor.normal(new Rng(5), 0, 1, 3, 4, 2).requiresGrad(true);
        Tensor mask = Tensor.of(new float[] {1, 1, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0}, 3, 4);
        Tensor up = Tensor.normal(new Rng(6), 0, 1, 3, 2);
        for (GlobalPooling1D pool : List.of(new GlobalAveragePooling1D(), new GlobalMaxPooling1D())) {
            x.zeroGrad();
            pool.applyMasked(new Tensor[] {x}, new Tensor[] {mask}).mul(up).sum().backward();
            float[] g = x.grad().data();
            for (int b = 0; b < 3; b++) {
                int real = b == 0 ? 2 : b == 1 ? 3 : 0;
                for (int f = 0; f < 2; f++) {
                    double sum = 0;
                    for (int t = 0; t < 4; t++) {
                        float v = g[(b * 4 + t) * 2 + f];
                        if (t >= real) assertThat(v).as("%s: padded step %d of row %d", pool.name(), t, b).isZero();
                        sum += v;
                    }
                    // each row's gradient adds up to its upstream value (mean: shared, max: to the winner); 0 when all padding
                    assertThat(sum).isCloseTo(real == 0 ? 0 : up.data()[b * 2 + f], org.assertj.core.data.Offset.offset(1e-6));
                }
            }
        }
    }

    @Test
    void aMaskOfTheWrongShapeOrOnChannelsFirstPoolingIsRefused() {
        Tensor x = Tensor.zeros(2, 3, 4);
        assertThatThrownBy(() -> new GlobalAveragePooling1D().applyMasked(new Tensor[] {x}, new Tensor[] {Tensor.ones(2, 4)}))
                .hasMessage("global_average_pooling1d: the padding mask must be [batch, steps] = [2, 3] for input [2, 3, 4], got [2, 4]");
        assertThatThrownBy(() -> Sequential.of(Embedding.of(5, 3).paddingIndex(0), new GlobalMaxPooling1D(DataFormat.CHANNELS_FIRST))
                .apply(Tensor.of(new float[] {1, 0}, 1, 2))).hasMessageContaining("global_max_pooling1d: a padding mask marks the steps");
        assertThatThrownBy(() -> new MaxPool1D(3).apply(Tensor.zeros(1, 2, 2))).hasMessage("max_pool1d: pool 3 does not fit input [1, 2, 2]");
        assertThatThrownBy(() -> new GlobalAveragePooling1D().apply(Tensor.zeros(2, 3))).hasMessageEndingWith(" expects input [batch, steps, features], got [2, 3]");
    }

    @Test
    void theConfigsRebuildTheSameLayers() {
        for (Layer l : List.of(new MaxPool1D(3, 2), new AvgPool1D(2), new GlobalAveragePooling1D(), new GlobalMaxPooling1D(DataFormat.CHANNELS_FIRST))) {
            Map<String, Object> c = l.config();
            Layer back = Layers.fromConfig(c);
            assertThat(back.getClass()).isEqualTo(l.getClass());
            assertThat(back.config()).isEqualTo(c);
        }
        assertThatThrownBy(() -> Layers.fromConfig(Map.of("type", "GlobalMaxPooling1D", "data_format", "nhwc"), "model.layers[1]"))
                .hasMessageContaining("model.layers[1].data_format").hasMessageContaining("\"nhwc\"");
    }

    @Test
    void modelsWithPoolingRoundTripThroughTheirFileAndSummary() {
        Sequential text = Sequential.of(Embedding.of(6, 4).paddingIndex(0), new GlobalAveragePooling1D(), Dense.of(2));
        text.seed(1);
        ModelRoundTrip.assertSameAfterSaving(text, Tensor.of(new float[] {1, 5, 0, 2, 0, 0}, 2, 3));
        Sequential conv = Sequential.of(new Conv1D(4, 3, 1, Padding.SAME, 1, true, Activation.RELU), new MaxPool1D(2), new AvgPool1D(2, 1),
                new GlobalMaxPooling1D(DataFormat.CHANNELS_FIRST), Dense.of(2));
        conv.seed(2);
        ModelRoundTrip.assertSameAfterSaving(conv, Tensor.normal(new Rng(3), 0, 1, 2, 3, 9));
        assertThat(conv.summary()).contains("max_pool1d (MaxPool1D)").contains("[None, 4, 4]").contains("[None, 4, 3]")
                .contains("global_max_pooling1d (GlobalMaxPooling1D)");
    }
}
