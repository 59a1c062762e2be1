package dev.nabla.nn.losses;

import dev.nabla.nn.Loss;
import dev.nabla.tensor.Rng;
import dev.nabla.tensor.Tensor;
import dev.nabla.testing.DArray;
import dev.nabla.testing.GradCheck;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.nabla.testing.Fixtures.assertClose;
import static dev.nabla.testing.Fixtures.sequenceNumber;
import static dev.nabla.testing.Fixtures.sequence;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Sparse cross-entropy over [batch, time, classes] logits with [batch, time] targets, and PyTorch's ignore_index. */
class SequenceCrossEntropyTest {

    private static final Loss CE = Losses.sparseCategoricalCrossentropy(true, Losses.IGNORE_INDEX);

    @Test
    void sequenceCrossEntropyWithIgnoreIndexMatchesPyTorch() {
        String c = "sequence_ce_ignore_index";
        Tensor logits = sequence(c, "logits").requiresGrad(true);
        Tensor loss = CE.apply(sequence(c, "target"), logits);
        assertThat((double) loss.item()).isCloseTo(sequenceNumber(c, "value"), org.assertj.core.data.Offset.offset(1e-5));
        loss.backward();
        assertClose("grad logits", logits.grad(), sequence(c, "grad.logits"));
    }

    /** The mean over kept steps of -log softmax(z)[target], in double, written from the definition. */
    private static DArray reference(DArray z, float[] targets, int ignore) {
        int[] s = z.shape();
        double total = 0;
        int kept = 0;
        for (int b = 0; b < s[0]; b++) {
            for (int t = 0; t < s[1]; t++) {
                int target = (int) targets[b * s[1] + t];
                if (target == ignore) continue;
                double max = Double.NEGATIVE_INFINITY, sum = 0;
                for (int j = 0; j < s[2]; j++) max = Math.max(max, z.at(b, t, j));
                for (int j = 0; j < s[2]; j++) sum += Math.exp(z.at(b, t, j) - max);
                total -= z.at(b, t, target) - max - Math.log(sum);
                kept++;
            }
        }
        return DArray.scalar(total / kept);
    }

    @Test
    void theFusedLossMatchesFiniteDifferencesAndTheComposedOps() {
        float[] targets = {2, -100, 0, 3, -100, -100, 1, 1, 3, 0, 2, -100};
        Tensor t = Tensor.of(targets, 3, 4);
        DArray z = DArray.random(7, 3, 4, 4);
        GradCheck.check(in -> CE.apply(t, in[0]), in -> reference(in[0], targets, -100), z).assertPassed();
        // The composed twin: log-softmax, the one-hot of the kept targets, their sum over the kept count.
        Tensor fused = z.toTensor().requiresGrad(true), composed = z.toTensor().requiresGrad(true);
        CE.apply(t, fused).backward();
        float[] onehot = new float[3 * 4 * 4];
        int kept = 0;
        for (int i = 0; i < targets.length; i++) {
            if (targets[i] == -100) continue;
            onehot[i * 4 + (int) targets[i]] = 1;
            kept++;
        }
        Tensor twin = composed.logSoftmax(-1).mul(Tensor.of(onehot, 3, 4, 4)).sum().neg().div(kept);
        twin.backward();
        assertThat((double) CE.apply(t, fused).item()).isCloseTo(twin.item(), org.assertj.core.data.Offset.offset(1e-6));
        assertClose("gradient", fused.grad(), composed.grad(), 1e-5, 1e-7);
    }

    @Test
    void reductionsCountEachKeptStepOnce() {
        Tensor t = Tensor.of(new float[] {1, -100, 0, 2}, 2, 2);
        Tensor z = Tensor.normal(new Rng(3), 0, 1, 2, 2, 3);
        Tensor perStep = Losses.sparseCategoricalCrossentropy(true, -100, Reduction.NONE).apply(t, z);
        assertThat(perStep.shape()).containsExactly(2, 2);
        float[] v = perStep.data();
        assertThat(v[1]).isZero();
        assertThat(Losses.sparseCategoricalCrossentropy(true, -100, Reduction.SUM).apply(t, z).item()).isCloseTo(v[0] + v[2] + v[3], org.assertj.core.data.Offset.offset(1e-6f));
        assertThat(CE.apply(t, z).item()).isCloseTo((v[0] + v[2] + v[3]) / 3, org.assertj.core.data.Offset.offset(1e-6f));
        // Without an ignore index every step counts: the mean of all the steps, as the mean of the rows' means.
        Tensor all = Tensor.of(new float[] {1, 2, 0, 2}, 2, 2);
        float[] each = Losses.sparseCategoricalCrossentropy(true, Reduction.NONE).apply(all, z).data();
        assertThat(Losses.sparseCategoricalCrossentropy(true).apply(all, z).item()).isCloseTo((each[0] + each[1] + each[2] + each[3]) / 4, org.assertj.core.data.Offset.offset(1e-6f));
        // An ignore index may be a class (e.g. a padding class 0), and applies to [batch, classes] predictions too.
        Tensor rows = Tensor.normal(new Rng(4), 0, 1, 3, 3);
        float kept = Losses.sparseCategoricalCrossentropy(true, Reduction.NONE).apply(Tensor.vector(2, 1, 2), rows).data()[0];
        assertThat(Losses.sparseCategoricalCrossentropy(true, 1).apply(Tensor.vector(2, 1, 1), rows).item()).isEqualTo(kept);
    }

    @Test
    void aBatchWithEveryStepIgnoredHasLossZeroAndNoGradient() {
        Tensor z = Tensor.normal(new Rng(5), 0, 1, 2, 3, 4).requiresGrad(true);
        Tensor loss = CE.apply(Tensor.full(new int[] {2, 3}, -100), z);
        assertThat(loss.item()).isZero();
        loss.backward();
        assertThat(z.grad().data()).containsOnly(0f);
    }

    @Test
    void badTargetsAreRefusedWithTheirPosition() {
        Tensor z = Tensor.zeros(2, 3, 4);
        assertThatThrownBy(() -> CE.apply(Tensor.of(new float[] {0, 1, 2, 3, 4, 0}, 2, 3), z))
                .hasMessage("sparse_categorical_crossentropy: target 4.0 at position [1, 1] is not a class index in [0, 4) or the ignore index -100");
        assertThatThrownBy(() -> Losses.sparseCategoricalCrossentropy(true).apply(Tensor.of(new float[] {0, -100, 0, 0, 0, 0}, 2, 3), z))
                .hasMessage("sparse_categorical_crossentropy: target -100.0 at position [0, 1] is not a class index in [0, 4)");
        assertThatThrownBy(() -> CE.apply(Tensor.zeros(2, 4), z))
                .hasMessage("sparse_categorical_crossentropy: targets [2, 4] do not match predictions [2, 3, 4] (expected [2, 3] class indices)");
    }

    /** A tagger (embedding, then a class per step) learns to tag each token with its parity; padded steps are ignored. */
    @Test
    void aSequenceTaggerTrainsWithPaddedStepsIgnored() {
        Rng rng = new Rng(11);
        int n = 64, steps = 6;
        float[] ids = new float[n * steps], tags = new float[n * steps];
        for (int i = 0; i < n; i++) {
            int length = 2 + rng.nextInt(steps - 1);
            for (int t = 0; t < steps; t++) {
                int id = t < length ? 1 + rng.nextInt(9) : 0;
                ids[i * steps + t] = id;
                tags[i * steps + t] = id == 0 ? Losses.IGNORE_INDEX : id % 2;
            }
        }
        dev.nabla.train.Sequential tagger = dev.nabla.train.Sequential.of(dev.nabla.nn.Embedding.of(10, 8).paddingIndex(0), dev.nabla.nn.Dense.of(2));
        tagger.seed(12);
        tagger.compile(dev.nabla.optim.Optimizers.adam(0.05f), CE);
        dev.nabla.train.History h = tagger.fit(Tensor.of(ids, n, steps), Tensor.of(tags, n, steps), dev.nabla.train.FitOptions.epochs(30).batchSize(16).seed(13));
        assertThat(h.get("loss").get(0)).isGreaterThan(0.5);
        assertThat(h.last("loss")).isLessThan(0.05);
    }

    @Test
    void theIgnoreIndexIsKeptInTheConfig() {
        for (Loss l : List.of(CE, Losses.sparseCategoricalCrossentropy(false, 0, Reduction.SUM))) {
            assertThat(Losses.fromConfig(l.config()).config()).isEqualTo(l.config());
        }
        assertThat(CE.config()).containsEntry("ignore_index", -100);
        assertThat(Losses.sparseCategoricalCrossentropy(true).config()).doesNotContainKey("ignore_index");
    }
}
