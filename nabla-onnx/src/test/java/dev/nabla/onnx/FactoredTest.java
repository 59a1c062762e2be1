package dev.nabla.onnx;

import dev.nabla.nn.Input;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The axis bookkeeping that follows attention's reshapes: exact regroupings only. */
class FactoredTest {

    private static final long BATCH = Long.MIN_VALUE / 4;

    /** PyTorch's q, k, v split of a time-major projection [t, batch, 3E] and its heads [batch * heads, t, keyDim]. */
    @Test
    void reshapesSplitFeatureDigitsAndMergeThemBack() {
        Factored x = Factored.of(Input.of("x", 5, 8)).transpose(new long[] {1, 0, 2});
        assertThat(x.layout()).isEqualTo("[t05, batch, f8]");
        Factored p = x.with(x.content(), java.util.List.of(x.axes().get(0), x.axes().get(1), java.util.List.of(new Factored.Atom("n", 24, 1))));
        Factored split = p.reshape(new long[] {5, -1, 3, 8}, BATCH);
        assertThat(split.layout()).isEqualTo("[t05, batch, n3, n8]");
        Factored v = split.transpose(new long[] {2, 0, 1, 3}).gather(0, 2);
        assertThat(v.offset()).isEqualTo(16);
        Factored heads = v.reshape(new long[] {5, -1, 4}, BATCH);
        assertThat(heads.layout()).isEqualTo("[t05, batch*n2, n4]");
        assertThat(heads.reshape(new long[] {5, -1, 8}, BATCH).layout()).isEqualTo("[t05, batch, n8]");
        assertThat(heads.dims(BATCH)).containsExactly(5, BATCH + 1, 4); // batch * 2 heads
        assertThat(heads.reshape(new long[] {5, BATCH + 1, 4}, BATCH).layout()).isEqualTo(heads.layout());
    }

    @Test
    void aReshapeThatWouldSplitTheBatchOrATimeAxisIsNotFollowed() {
        Factored x = Factored.of(Input.of("x", 6, 4));
        assertThat(x.reshape(new long[] {-1, 3, 8}, BATCH)).isNull(); // time 6 into 2 * 3 with the batch between
        assertThat(x.reshape(new long[] {BATCH, 24}, BATCH).layout()).isEqualTo("[batch, t06*f4]");
        assertThat(x.transpose(new long[] {0, 0, 1})).isNull();
        assertThat(x.gather(1, 0)).isNull(); // a time step is not a feature digit
    }
}
