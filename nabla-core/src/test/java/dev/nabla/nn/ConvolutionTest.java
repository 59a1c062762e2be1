package dev.nabla.nn;

import dev.nabla.tensor.Rng;
import dev.nabla.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The convolution's fused ops give the values and gradients of the ops they fuse, applied in turn: bit for bit, except
 * where the pooled convolution runs window by window (its sums are rounded in another order).
 */
class ConvolutionTest {

    private final Rng rng = new Rng(41);

    /** x, kernel and (when asked) bias as leaves needing gradients. */
    private List<Tensor> leaves(int[] xShape, int[] kernelShape, boolean withBias) {
        List<Tensor> leaves = new ArrayList<>(List.of(Tensor.randn(rng, xShape).requiresGrad(true), Tensor.randn(rng, kernelShape).requiresGrad(true)));
        if (withBias) leaves.add(Tensor.randn(rng, kernelShape[0]).requiresGrad(true));
        return leaves;
    }

    private static Tensor bias(List<Tensor> leaves) {
        return leaves.size() > 2 ? leaves.get(2) : null;
    }

    /** The op's output followed by each leaf's gradient for a random upstream gradient; the leaves' .grad() reset. */
    private List<float[]> valueAndGradients(Supplier<Tensor> op, List<Tensor> leaves) {
        Tensor y = op.get();
        y.backward(Tensor.randn(new Rng(7), y.shape()));
        List<float[]> out = new ArrayList<>(List.of(y.data()));
        for (Tensor t : leaves) {
            out.add(t.grad().data().clone());
            t.setGrad(null);
        }
        return out;
    }

    private static void assertBitForBit(List<float[]> fused, List<float[]> composed, String what) {
        String[] names = {"value", "dX", "dKernel", "dBias"};
        assertThat(fused).hasSameSizeAs(composed);
        for (int i = 0; i < fused.size(); i++) assertThat(fused.get(i)).as(what + " " + names[i]).containsExactly(composed.get(i));
    }

    @Test
    void conv2dWithItsReluInsideGivesBitForBitTheValuesAndGradientsOfConv2dThenRelu() {
        // 11 images (uneven backward chunks); VALID stride 1, and SAME stride 2 with odd sizes; with and without bias.
        for (Padding padding : Padding.values()) {
            for (boolean withBias : new boolean[] {true, false}) {
                int stride = padding == Padding.SAME ? 2 : 1;
                List<Tensor> in = leaves(new int[] {11, 2, 7, 6}, new int[] {3, 2, 3, 3}, withBias);
                List<float[]> fused = valueAndGradients(() -> Convolution.conv2d(in.get(0), in.get(1), bias(in), stride, padding, true), in);
                List<float[]> composed = valueAndGradients(() -> Convolution.conv2d(in.get(0), in.get(1), bias(in), stride, padding, false).relu(), in);
                assertBitForBit(fused, composed, padding + (withBias ? " bias" : ""));
            }
        }
    }

    @Test
    void conv1dWithItsReluInsideGivesBitForBitTheValuesAndGradientsOfConv1dThenRelu() {
        // SAME with stride 2 and dilation 2, and two zeros each side; 11 sequences.
        for (int padding : new int[] {Convolution.Sequences.SAME, 2}) {
            for (boolean withBias : new boolean[] {true, false}) {
                List<Tensor> in = leaves(new int[] {11, 3, 13}, new int[] {4, 3, 3}, withBias);
                List<float[]> fused = valueAndGradients(() -> Convolution.conv1d(in.get(0), in.get(1), bias(in), 2, padding, 2, true), in);
                List<float[]> composed = valueAndGradients(() -> Convolution.conv1d(in.get(0), in.get(1), bias(in), 2, padding, 2, false).relu(), in);
                assertBitForBit(fused, composed, "padding " + padding + (withBias ? " bias" : ""));
            }
        }
    }

    @Test
    void fusedConvReluMaxPoolOnTheGemmGivesBitForBitTheValuesAndGradientsOfConv2dReluAndMaxPoolInTurn() {
        // 9 images; SAME stride 2 over 9x6 -> 5x3; VALID 7x7 -> 5x5 (the pool drops the last row and column) with
        // 36 taps, more than the window-by-window kernel takes.
        for (Padding padding : Padding.values()) {
            for (boolean withBias : new boolean[] {true, false}) {
                int stride = padding == Padding.SAME ? 2 : 1, channels = padding == Padding.SAME ? 2 : 4;
                int[] xShape = padding == Padding.SAME ? new int[] {9, channels, 9, 6} : new int[] {9, channels, 7, 7};
                List<Tensor> in = leaves(xShape, new int[] {4, channels, 3, 3}, withBias);
                List<float[]> fused = valueAndGradients(() -> ConvReluMaxPool.apply(in.get(0), in.get(1), bias(in), stride, padding), in);
                List<float[]> composed = valueAndGradients(() -> new MaxPool2D(2, 2).apply(
                        Convolution.conv2d(in.get(0), in.get(1), bias(in), stride, padding, false).relu()), in);
                assertBitForBit(fused, composed, padding + (withBias ? " bias" : ""));
            }
        }
    }

    /**
     * Window by window (stride 1, few taps: {@code ConvPool2x2}), the fused op's sums are rounded in another order
     * than the GEMM's smallest products, and its kernel and bias gradients are summed in another order: the values
     * and gradients of the ops in turn to rounding. On W5's first layer, where the GEMM's packed path runs the same
     * chains of multiply-adds, the values and the input gradient are the same bits.
     */
    @Test
    void fusedConvReluMaxPoolWindowByWindowGivesTheValuesAndGradientsOfTheOpsInTurnToRounding() {
        for (Padding padding : Padding.values()) {
            for (boolean withBias : new boolean[] {true, false}) {
                List<Tensor> in = leaves(new int[] {9, 2, 7, 7}, new int[] {4, 2, 3, 3}, withBias);
                List<float[]> fused = valueAndGradients(() -> ConvReluMaxPool.apply(in.get(0), in.get(1), bias(in), 1, padding), in);
                List<float[]> composed = valueAndGradients(() -> new MaxPool2D(2, 2).apply(
                        Convolution.conv2d(in.get(0), in.get(1), bias(in), 1, padding, false).relu()), in);
                assertCloseTo(fused, composed, padding + (withBias ? " bias" : ""));
            }
        }
        List<Tensor> in = leaves(new int[] {3, 1, 28, 28}, new int[] {32, 1, 3, 3}, true);
        List<float[]> fused = valueAndGradients(() -> ConvReluMaxPool.apply(in.get(0), in.get(1), bias(in), 1, Padding.VALID), in);
        List<float[]> composed = valueAndGradients(() -> new MaxPool2D(2, 2).apply(
                Convolution.conv2d(in.get(0), in.get(1), bias(in), 1, Padding.VALID, false).relu()), in);
        assertBitForBit(fused.subList(0, 2), composed.subList(0, 2), "W5's first layer");
        assertCloseTo(fused, composed, "W5's first layer");
    }

    /** Each entry within 1e-5 times the largest magnitude among its array's composed values (at least 1). */
    private static void assertCloseTo(List<float[]> fused, List<float[]> composed, String what) {
        String[] names = {"value", "dX", "dKernel", "dBias"};
        assertThat(fused).hasSameSizeAs(composed);
        for (int i = 0; i < fused.size(); i++) {
            float largest = 1f;
            for (float v : composed.get(i)) largest = Math.max(largest, Math.abs(v));
            assertThat(fused.get(i)).as(what + " " + names[i]).containsExactly(composed.get(i), org.assertj.core.data.Offset.offset(1e-5f * largest));
        }
    }

    /**
     * The fused convolution's and the dense layer's backward rules compute into recycled arrays (RecycledArrays):
     * filled with NaN beforehand, they give the bits of new ones. This fails if a rule reads an element of one before
     * writing it (the convolution adds each sample's columns into its input's gradient).
     */
    @Test
    void gradientsComputedIntoRecycledArraysFullOfNaNAreThoseOfNewArrays() {
        List<Tensor> in = new ArrayList<>(leaves(new int[] {9, 2, 7, 7}, new int[] {4, 2, 3, 3}, true));
        in.add(Tensor.randn(new Rng(8), 16, 5).requiresGrad(true));
        Supplier<Tensor> net = () -> Affine.apply(ConvReluMaxPool.apply(in.get(0), in.get(1), in.get(2), 1, Padding.VALID)
                .reshape(9, 16), in.get(3), null, true);
        int[] lengths = {9 * 2 * 7 * 7, 9 * 16, 9 * 5};
        dev.nabla.testing.RecycledPool.drain(lengths);
        List<float[]> fresh = valueAndGradients(net, in);
        dev.nabla.testing.RecycledPool.poison(lengths);
        List<float[]> recycled = valueAndGradients(net, in);
        for (int i = 0; i < fresh.size(); i++) assertThat(recycled.get(i)).as("value or gradient " + i).containsExactly(fresh.get(i));
    }

    /** Bytes allocated so far by all live threads (the worker threads too). */
    private static long allocatedBytes() {
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long[] ids = Thread.getAllStackTraces().keySet().stream().mapToLong(Thread::getId).toArray();
        return java.util.Arrays.stream(threads.getThreadAllocatedBytes(ids)).filter(b -> b > 0).sum();
    }

    @Test
    void aTrainingStepAllocatesNoPerChunkWorkArraysOnceEachThreadHasItsOwn() {
        // Per chunk of the backward pass, the columns and their gradient are 144 x 900 floats (518 KB each): eight
        // chunks allocating them would add 8 MB. What a step must allocate is its output, dX, dKernel per chunk and
        // the bias sums: about 1 MB. Warm-up steps first, so that compiled code allocates no vector objects.
        List<Tensor> in = leaves(new int[] {8, 16, 32, 32}, new int[] {4, 16, 3, 3}, true);
        Tensor dy = Tensor.randn(new Rng(7), 8, 4, 30, 30);
        Runnable step = () -> {
            Convolution.conv2d(in.get(0), in.get(1), bias(in), 1, Padding.VALID, true).backward(dy);
            for (Tensor t : in) t.setGrad(null);
        };
        for (int i = 0; i < 30; i++) step.run();
        // The fewest bytes of up to 100 steps: in a long test run the JIT may compile the vector code later (until
        // then it allocates), while per-chunk work arrays would be allocated by every step.
        long needed = 4L * (8 * 4 * 30 * 30 + 8 * 16 * 32 * 32 + 8 * 4 * 144 + 4 * 144), fewest = Long.MAX_VALUE;
        for (int i = 0; i < 100 && fewest >= needed + (1 << 20); i++) {
            long before = allocatedBytes();
            step.run();
            fewest = Math.min(fewest, allocatedBytes() - before);
        }
        assertThat(fewest).as("bytes allocated by a step").isLessThan(needed + (1 << 20));
    }

    @Test
    void reusedWorkArraysLeaveNoTraceOfAnEarlierLargerConvolution() {
        // The threads' work arrays outgrow a small convolution after a large one; what the large one left in them
        // must not reach the small one's values or gradients.
        List<Tensor> small = leaves(new int[] {11, 2, 7, 6}, new int[] {3, 2, 3, 3}, true);
        List<List<float[]>> results = new ArrayList<>();
        for (int seed : new int[] {1, 2}) {
            Rng other = new Rng(seed);
            Tensor x = Tensor.randn(other, 9, 4, 12, 12).requiresGrad(true), k = Tensor.randn(other, 8, 4, 3, 3).requiresGrad(true);
            Tensor big = ConvReluMaxPool.apply(x, k, null, 1, Padding.VALID);
            big.backward(Tensor.randn(other, big.shape()));
            Convolution.conv2d(x, k, null, 1, Padding.SAME, false).backward(Tensor.randn(other, 9, 8, 12, 12));
            List<float[]> r = valueAndGradients(() -> ConvReluMaxPool.apply(small.get(0), small.get(1), bias(small), 1, Padding.VALID), small);
            r.addAll(valueAndGradients(() -> Convolution.conv2d(small.get(0), small.get(1), bias(small), 1, Padding.SAME, false), small));
            results.add(r);
        }
        assertThat(results.get(1)).hasSameSizeAs(results.get(0));
        for (int i = 0; i < results.get(0).size(); i++) assertThat(results.get(1).get(i)).as("array " + i).containsExactly(results.get(0).get(i));
    }
}
