package dev.nabla.kernels;

import dev.nabla.testing.RecycledPool;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RecycledArraysTest {

    @Test
    void anArrayGivenBackIsTakenAgainByTheNextCallerOfItsLengthOnlyOnce() {
        int n = 12_345;
        RecycledPool.drain(n);
        float[] a = new float[n];
        RecycledArrays.give(a);
        RecycledArrays.give(a); // given twice, kept once
        assertThat(RecycledArrays.take(n + 1)).isNotSameAs(a).hasSize(n + 1);
        assertThat(RecycledArrays.take(n)).isSameAs(a);
        assertThat(RecycledArrays.take(n)).isNotSameAs(a).hasSize(n);
    }

    @Test
    void atMostAFewArraysOfOneLengthAreKept() {
        int n = 23_456;
        RecycledArrays.clear(); // the pool's other lengths, which other tests left, count towards its limit
        float[][] given = new float[RecycledArrays.PER_LENGTH + 2][];
        for (int i = 0; i < given.length; i++) RecycledArrays.give(given[i] = new float[n]);
        int back = 0;
        for (int i = 0; i < given.length; i++) {
            float[] t = RecycledArrays.take(n);
            for (float[] g : given) if (g == t) back++;
        }
        assertThat(back).isEqualTo(RecycledArrays.PER_LENGTH);
        RecycledArrays.give(null); // nothing to keep
    }

    @Test
    void clearingLeavesNothingToTake() {
        float[] a = new float[34_567];
        RecycledArrays.give(a);
        RecycledArrays.clear();
        assertThat(RecycledArrays.take(a.length)).isNotSameAs(a);
    }
}
