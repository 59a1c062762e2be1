package dev.nabla.nn;

import dev.nabla.explain.GradientCheck;
import dev.nabla.nn.losses.Losses;
import dev.nabla.tensor.Tensor;
import dev.nabla.testing.ModelRoundTrip;
import dev.nabla.train.Sequential;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CategoryEmbeddingTest {

    // Columns 1 and 3 hold category indices (vocabularies 5 and 4), columns 0 and 2 are numbers.
    private static final Tensor X = Tensor.of(new float[] {0.5f, 3, -1f, 0, 2f, 1, 0.25f, 3, -0.5f, 4, 1.5f, 2}, 3, 4);

    @BeforeEach
    void freshNames() {
        Layer.resetNames();
    }

    @Test
    void numericColumnsPassThroughInOrderThenEachIndexColumnsRow() {
        CategoryEmbedding cats = CategoryEmbedding.of(Map.of(3, 4, 1, 5), 2);
        Tensor y = cats.apply(X);
        assertThat(y.shape()).containsExactly(3, 2 + 2 + 2);
        float[] a = cats.embeddings().get(0).embeddings().data(), b = cats.embeddings().get(1).embeddings().data();
        // Row 1: numbers 2, 0.25; column 1 index 1, column 3 index 3.
        assertThat(y.slice(0, 1, 2).data()).containsExactly(2f, 0.25f, a[2], a[3], b[6], b[7]);
        assertThat(cats.indexColumns()).containsExactly(1, 3);
        assertThat(cats.weights().get(0).name()).isEqualTo("category_embedding_1/embeddings");
    }

    @Test
    void theDefaultDimensionIsFastAisRule() {
        // min(50, ceil(1.6 * n^0.56)): 42 categories -> ceil(1.6 * 8.12) = 13; many saturate at 50.
        assertThat(CategoryEmbedding.defaultDimension(42)).isEqualTo(13);
        assertThat(CategoryEmbedding.defaultDimension(2)).isEqualTo(3);
        assertThat(CategoryEmbedding.defaultDimension(100_000)).isEqualTo(50);
        CategoryEmbedding cats = CategoryEmbedding.of(Map.of(1, 42), 0);
        assertThat(cats.outputShape(new int[] {8, 3})).containsExactly(8, 2 + 13);
    }

    @Test
    void everyTableAndTheNumericInputsPassTheGradientChecker() {
        Sequential m = Sequential.of(CategoryEmbedding.of(Map.of(1, 5, 3, 4), 3), Dense.of(4, Activation.TANH), Dense.of(2));
        m.seed(1);
        m.buildFor(X.shape());
        Tensor targets = Tensor.vector(1, 0, 1);
        Loss loss = Losses.sparseCategoricalCrossentropy(true);
        List<GradientCheck.Result> results = GradientCheck.of(m, () -> loss.apply(targets, m.apply(X)), 12);
        assertThat(results).hasSize(6);
        for (GradientCheck.Result r : results) assertThat(r.passed()).as(r.toString()).isTrue();
        // The numeric columns carry the gradient back to the input; the index columns get none.
        Tensor x = X.copy().requiresGrad(true);
        loss.apply(targets, m.apply(x)).backward();
        float[] g = x.grad().data();
        assertThat(g[0]).isNotZero();
        assertThat(g[2]).isNotZero();
        assertThat(g[1]).isZero();
        assertThat(g[3]).isZero();
    }

    @Test
    void theConfigAndTheModelFileRebuildTheSameLayer() {
        CategoryEmbedding cats = CategoryEmbedding.of(Map.of(1, 5, 3, 4), 0);
        Map<String, Object> c = cats.config();
        assertThat(Layers.fromConfig(c).config()).isEqualTo(c);
        Sequential m = Sequential.of(cats, Dense.of(2));
        m.seed(3);
        ModelRoundTrip.assertSameAfterSaving(m, X);
    }

    @Test
    void anIndexOutsideItsVocabularyOrAColumnOutsideTheInputIsRefused() {
        assertThatThrownBy(() -> CategoryEmbedding.of(Map.of(1, 3), 2).apply(X))
                .hasMessageContaining("category_embedding_1: token id 3.0").hasMessageContaining("not a whole number in [0, 3)");
        Layer.resetNames();
        assertThatThrownBy(() -> CategoryEmbedding.of(Map.of(4, 3), 2).apply(X))
                .hasMessage("category_embedding: index column 4 is not a feature of input [3, 4] (positions 0 to 3)");
    }
}
