package dev.nabla.nn;

import dev.nabla.tensor.Tensor;
import dev.nabla.testing.DArray;
import dev.nabla.testing.GradCheck;
import dev.nabla.testing.ModelRoundTrip;
import dev.nabla.train.Sequential;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static dev.nabla.testing.Fixtures.assertClose;
import static dev.nabla.testing.Fixtures.sequence;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EmbeddingTest {

    @BeforeEach
    void freshNames() {
        Layer.resetNames();
    }

    @Test
    void embeddingWithPaddingIndexMatchesPyTorch() {
        String c = "embedding";
        Tensor ids = sequence(c, "ids");
        Embedding e = Embedding.of(7, 3).paddingIndex(0);
        e.buildFor(ids.shape());
        System.arraycopy(sequence(c, "param.weight").data(), 0, e.embeddings().data(), 0, 21);
        Tensor y = e.apply(ids);
        assertClose("y", y, sequence(c, "y"));
        y.mul(sequence(c, "up")).sum().backward();
        assertClose("grad weight", e.embeddings().grad(), sequence(c, "grad.param.weight"));
    }

    @Test
    void thePaddingRowStartsAtZeroAndGetsNoGradient() {
        Embedding e = Embedding.of(5, 4).paddingIndex(2);
        Tensor ids = Tensor.of(new float[] {2, 1, 2, 2, 4, 1}, 2, 3);
        Tensor y = e.apply(ids);
        float[] table = e.embeddings().data();
        for (int j = 0; j < 4; j++) assertThat(table[2 * 4 + j]).isZero();
        assertThat(table[4]).isNotZero(); // row 1 is drawn from N(0, 1)
        y.sum().backward();
        float[] g = e.embeddings().grad().data();
        for (int j = 0; j < 4; j++) {
            assertThat(g[2 * 4 + j]).as("padding row").isZero();
            assertThat(g[4 + j]).as("row 1, picked twice").isEqualTo(2f);
            assertThat(g[4 * 4 + j]).as("row 4, picked once").isEqualTo(1f);
            assertThat(g[j]).as("row 0, never picked").isZero();
        }
    }

    @Test
    void theLookupAndItsScatteredGradientMatchFiniteDifferences() {
        int[] rows = {3, 0, 3, 1, 4, 4, 2, 3};
        int[] shape = {2, 2, 2};
        DArray table = DArray.random(31, 5, 3);
        GradCheck.check(in -> Embedding.lookup(in[0], rows, shape, -1),
                in -> DArray.build(new int[] {2, 2, 2, 3}, i -> in[0].at(rows[(i[0] * 2 + i[1]) * 2 + i[2]], i[3])), table).assertPassed();
        // With padding index 3 the rows picked by id 3 still read the table, but row 3 gets no gradient.
        Tensor t = table.toTensor().requiresGrad(true), up = DArray.random(32, 2, 2, 2, 3).toTensor();
        Embedding.lookup(t, rows, shape, 3).mul(up).sum().backward();
        Tensor free = table.toTensor().requiresGrad(true);
        Embedding.lookup(free, rows, shape, -1).mul(up).sum().backward();
        float[] expected = free.grad().data().clone();
        java.util.Arrays.fill(expected, 9, 12, 0f);
        assertThat(t.grad().data()).containsExactly(expected);
        assertThat(free.grad().data()[9]).isNotZero();
    }

    @Test
    void idsOfAnyShapeGiveTheirRowsWithTheDimensionLast() {
        Embedding e = Embedding.of(4, 2);
        assertThat(e.apply(Tensor.vector(1, 3)).shape()).containsExactly(2, 2);
        assertThat(e.apply(Tensor.zeros(2, 3, 5)).shape()).containsExactly(2, 3, 5, 2);
        assertThat(e.outputShape(new int[] {8, 10})).containsExactly(8, 10, 2);
        assertThat(e.weights().get(0).name()).isEqualTo("embedding/embeddings");
    }

    @Test
    void anIdThatIsNotAWholeNumberInTheVocabularyIsRefusedWithItsPositionAndValue() {
        Embedding e = Embedding.of(7, 3);
        assertThatThrownBy(() -> e.apply(Tensor.of(new float[] {1, 2, 3, 7}, 2, 2)))
                .hasMessage("embedding: token id 7.0 at position [1, 1] of input [2, 2] is not a whole number in [0, 7)");
        assertThatThrownBy(() -> e.apply(Tensor.of(new float[] {1, -1}, 1, 2))).hasMessageContaining("token id -1.0 at position [0, 1]");
        assertThatThrownBy(() -> e.apply(Tensor.of(new float[] {2.5f, 1}, 1, 2))).hasMessageContaining("token id 2.5 at position [0, 0]");
        assertThatThrownBy(() -> e.apply(Tensor.of(new float[] {Float.NaN}, 1, 1))).hasMessageContaining("token id NaN");
    }

    @Test
    void aVocabularyAboveTwoToThe24IsRefusedBecauseItsIdsWouldNotStayExact() {
        assertThatThrownBy(() -> Embedding.of((1 << 24) + 1, 2)).hasMessageContaining("above 2^24 = 16777216");
        assertThat(Embedding.of(1 << 24, 1).vocabularySize()).isEqualTo(1 << 24);
        assertThatThrownBy(() -> Embedding.of(5, 2).paddingIndex(5)).hasMessageContaining("padding index 5 is not an id in [0, 5)");
    }

    @Test
    void thePaddingIndexMakesAMaskForTwoDimensionalIds() {
        Tensor ids = Tensor.of(new float[] {4, 2, 0, 0, 3, 0}, 2, 3);
        assertThat(Embedding.of(5, 2).paddingIndex(0).computeMask(ids).data()).containsExactly(1, 1, 0, 0, 1, 0);
        assertThat(Embedding.of(5, 2).paddingIndex(0).computeMask(Tensor.vector(1, 0))).isNull();
        assertThat(Embedding.of(5, 2).computeMask(ids)).isNull();
    }

    @Test
    void theConfigRebuildsTheSameLayer() {
        Embedding e = new Embedding("words", 50, 8, 1, Initializers.uniform(-0.1, 0.1));
        Map<String, Object> c = e.config();
        Layer back = Layers.fromConfig(c);
        assertThat(back).isInstanceOf(Embedding.class);
        assertThat(back.config()).isEqualTo(c);
        assertThat(((Embedding) back).paddingIndex()).isEqualTo(1);
        assertThat(Layers.fromConfig(Embedding.of(3, 2).config()).config()).containsEntry("padding_index", -1);
    }

    @Test
    void aModelWithAnEmbeddingRoundTripsThroughItsFileAndSummary() {
        Sequential m = Sequential.of(Embedding.of(6, 4).paddingIndex(0), new Flatten(), Dense.of(2));
        m.seed(3);
        Tensor ids = Tensor.of(new float[] {1, 5, 0, 2, 2, 3}, 2, 3);
        ModelRoundTrip.assertSameAfterSaving(m, ids);
        assertThat(m.summary()).contains("embedding").contains("[None, 3, 4]");
    }
}
