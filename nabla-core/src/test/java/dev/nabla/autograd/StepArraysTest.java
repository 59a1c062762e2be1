package dev.nabla.autograd;

import dev.nabla.kernels.RecycledArrays;
import dev.nabla.tensor.Tensor;
import dev.nabla.testing.RecycledPool;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Which arrays a step's scope takes from the pool and gives back, and which it leaves to the collector. */
class StepArraysTest {

    private static final int N = StepArrays.SMALLEST;
    private final Tensor param = Tensor.zeros(3).requiresGrad(true), constant = Tensor.zeros(3);

    /** The arrays of length N in the pool, taking them out. */
    private static List<float[]> pooled() {
        List<float[]> out = new ArrayList<>();
        for (int i = 0; i < RecycledArrays.PER_LENGTH; i++) out.add(RecycledArrays.take(N));
        return out;
    }

    private static boolean contains(List<float[]> arrays, float[] a) {
        return arrays.stream().anyMatch(x -> x == a);
    }

    @Test
    void aForwardPassValueGoesBackWhenTheStepEndsUnlessKept() {
        RecycledPool.drain(N);
        float[] value, kept;
        try (StepArrays.Scope s = StepArrays.open()) {
            value = StepArrays.forOutput(N, constant, param);
            kept = StepArrays.forOutput(N, param);
            s.keep(Tensor.of(kept, N));
            assertThat(contains(pooled(), value)).as("in the pool before the step ends").isFalse();
        }
        List<float[]> pool = pooled();
        assertThat(contains(pool, value)).isTrue();
        assertThat(contains(pool, kept)).isFalse();
    }

    @Test
    void valuesOutsideTheForwardPassOrTheGraphAreNewArraysLeftToTheCollector() {
        RecycledPool.drain(N);
        List<float[]> made = new ArrayList<>();
        made.add(StepArrays.forOutput(N, param)); // no scope
        try (StepArrays.Scope s = StepArrays.open()) {
            made.add(StepArrays.forOutput(N - 1, param)); // small
            made.add(StepArrays.forOutput(N, constant, null)); // not in the graph
            try (NoGrad ignored = Autograd.noGrad()) {
                made.add(StepArrays.forOutput(N, param)); // not recorded
            }
            s.endForward();
            made.add(StepArrays.forOutput(N, param)); // backward pass, optimizer
        }
        List<float[]> pool = pooled();
        for (int i = 0; i < made.size(); i++) assertThat(contains(pool, made.get(i))).as("array " + i).isFalse();
    }

    @Test
    void aScopeOpenedInsideAnotherLeavesTheGivingBackToIt() {
        RecycledPool.drain(N);
        float[] inner, kept;
        try (StepArrays.Scope outer = StepArrays.open()) {
            try (StepArrays.Scope s = StepArrays.open()) {
                inner = StepArrays.forOutput(N, param);
                kept = StepArrays.forOutput(N, param);
                s.keep(Tensor.of(kept, N));
                s.endForward(); // the outer step's forward pass goes on
            }
            assertThat(contains(pooled(), inner)).as("given back by the inner scope").isFalse();
            RecycledPool.drain(N);
            assertThat(StepArrays.forOutput(N, param)).as("still taking").isNotNull();
        }
        List<float[]> pool = pooled();
        assertThat(contains(pool, inner)).isTrue();
        assertThat(contains(pool, kept)).isFalse();
    }
}
