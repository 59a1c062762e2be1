package dev.nabla.kernels;

import dev.nabla.testing.ChildJvm;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The one-pass LSTM cell, vector and scalar, against the cell's equations evaluated in double. */
class LstmCellTest {

    private static final int H = 16 * 4 + 5; // a vector part and a scalar tail for any vector length up to 16
    /** Strides of a block of one row: never used. */
    private static final LstmCell.Strides ONE_ROW = new LstmCell.Strides(0, 0, 0, 0);

    @Test
    void forwardGivesTheActivatedGatesAndNewStatesOfTheEquationsInDouble() {
        for (LstmCell.Impl impl : new LstmCell.Impl[] {LstmCell.IMPL, new LstmCell.Scalar()}) {
            Random r = new Random(3);
            float[] pre = gaussian(r, 2 + 4 * H, 2), hidden = gaussian(r, 3 + 4 * H, 2), bias = gaussian(r, 4 * H, 1);
            float[] cs = gaussian(r, 3 * H, 2), gates = pre.clone(), tc = new float[H + 1], hs = new float[3 * H];
            impl.forward(1, ONE_ROW, gates, 2, hidden, 3, bias, H, cs, 0, 2 * H, tc, 1, hs);
            for (int j = 0; j < H; j++) {
                double i = sigmoid(sum(pre, hidden, bias, j)), f = sigmoid(sum(pre, hidden, bias, H + j));
                double g = Math.tanh(sum(pre, hidden, bias, 2 * H + j)), o = sigmoid(sum(pre, hidden, bias, 3 * H + j));
                double c = f * cs[j] + i * g;
                String at = impl.getClass().getSimpleName() + " unit " + j;
                close(gates[2 + j], i, at + " i");
                close(gates[2 + H + j], f, at + " f");
                close(gates[2 + 2 * H + j], g, at + " g");
                close(gates[2 + 3 * H + j], o, at + " o");
                close(cs[2 * H + j], c, at + " c'");
                close(tc[1 + j], Math.tanh(c), at + " tanh(c')");
                close(hs[2 * H + j], o * Math.tanh(c), at + " h'");
            }
        }
    }

    @Test
    void backwardGivesThePreActivationGradientsAndThePreviousCellStatesInDouble() {
        for (LstmCell.Impl impl : new LstmCell.Impl[] {LstmCell.IMPL, new LstmCell.Scalar()}) {
            Random r = new Random(4);
            float[] act = new float[4 * H];
            for (int j = 0; j < act.length; j++) act[j] = j / H == 2 ? (float) Math.tanh(r.nextGaussian()) : (float) sigmoid(r.nextGaussian());
            float[] tc = gaussian(r, H, 0.5), cs = gaussian(r, H, 1), dh = gaussian(r, H, 1), dc = gaussian(r, H, 1);
            float[] up = gaussian(r, H + 3, 1);
            float[] gates = act.clone(), dh2 = dh.clone(), dc2 = dc.clone();
            impl.backward(1, ONE_ROW, gates, 0, H, tc, 0, cs, 0, up, 3, 0, dh2, dc2, 0);
            for (int j = 0; j < H; j++) {
                double i = act[j], f = act[H + j], g = act[2 * H + j], o = act[3 * H + j], t = tc[j];
                double dhj = (double) dh[j] + up[3 + j], dcj = dc[j] + dhj * o * (1 - t * t);
                String at = impl.getClass().getSimpleName() + " unit " + j;
                close(gates[j], dcj * g * i * (1 - i), at + " di");
                close(gates[H + j], dcj * cs[j] * f * (1 - f), at + " df");
                close(gates[2 * H + j], dcj * i * (1 - g * g), at + " dg");
                close(gates[3 * H + j], dhj * t * o * (1 - o), at + " do");
                close(dc2[j], dcj * f, at + " dc");
                assertThat(dh2[j]).as(at + " dh").isZero();
            }
        }
    }

    /**
     * A block of rows, each array's rows at its own stride, gives the bits of one call per row: the recurrence calls
     * the cell per block where no row of the step is padded and per row where one is.
     */
    @Test
    void aBlockOfRowsGivesTheBitsOfOneCallPerRow() {
        int rows = 5, g = 4 * H;
        LstmCell.Strides fwd = new LstmCell.Strides(g + 3, g + 1, 2 * H + 2, H + 4), bwd = new LstmCell.Strides(g + 3, H + 1, 2 * H + 2, H + 4);
        for (LstmCell.Impl impl : new LstmCell.Impl[] {LstmCell.IMPL, new LstmCell.Scalar()}) {
            Random r = new Random(6);
            float[] pre = gaussian(r, rows * (g + 3), 2), hidden = gaussian(r, rows * (g + 1), 2), bias = gaussian(r, g, 1);
            float[] cs0 = gaussian(r, rows * (2 * H + 2), 2), up = gaussian(r, rows * (H + 7), 1);
            float[] dh0 = gaussian(r, rows * (H + 1), 1), dc0 = gaussian(r, rows * (H + 1), 1);
            float[][] block = {pre.clone(), cs0.clone(), new float[rows * (H + 4)], new float[rows * (2 * H + 2)], dh0.clone(), dc0.clone()};
            float[][] single = {pre.clone(), cs0.clone(), new float[rows * (H + 4)], new float[rows * (2 * H + 2)], dh0.clone(), dc0.clone()};
            impl.forward(rows, fwd, block[0], 0, hidden, 0, bias, H, block[1], 1, 1 + H, block[2], 0, block[3]);
            impl.backward(rows, bwd, block[0], 0, H, block[2], 0, block[1], 1, up, 2, H + 7, block[4], block[5], 0);
            for (int k = 0; k < rows; k++) {
                impl.forward(1, fwd, single[0], k * (g + 3), hidden, k * (g + 1), bias, H, single[1], 1 + k * (2 * H + 2),
                        1 + H + k * (2 * H + 2), single[2], k * (H + 4), single[3]);
            }
            for (int k = 0; k < rows; k++) {
                impl.backward(1, bwd, single[0], k * (g + 3), H, single[2], k * (H + 4), single[1], 1 + k * (2 * H + 2),
                        up, 2 + k * (H + 7), 0, single[4], single[5], k * (H + 1));
            }
            String[] names = {"gate gradients", "cell states", "tanh(c)", "hidden states", "dh", "dc"};
            for (int a = 0; a < names.length; a++) {
                assertThat(block[a]).as(impl.getClass().getSimpleName() + " " + names[a]).containsExactly(single[a]);
            }
        }
    }

    /**
     * Compiled, the vector forward pass keeps its vectors in registers: a vector crossing a call the JIT did not inline
     * is boxed on the heap, as the sigmoid of the second gate was when the JIT inlined the passes into one method and
     * ran out of room (768 bytes a row of 64 units then). Measured in a new JVM, whose compilations depend on this
     * code alone, as in a training run: in a long test JVM, other tests' use of VectorMath changes what the JIT
     * inlines.
     */
    @Test
    void compiledForwardPassAllocatesNothing() throws Exception {
        List<String> out = ChildJvm.run(LstmCellTest.class, 120);
        assertThat(out.stream().filter(l -> l.startsWith("bytes allocated by 1000 rows: ")).toList())
                .as(String.join("\n", out)).containsExactly("bytes allocated by 1000 rows: 0");
    }

    /**
     * Prints the fewest bytes the forward pass allocates in rounds of 1000 rows of 64 units, for up to 20 seconds
     * (until the JIT has compiled it, the Vector API's fallback allocates about 3 KB a row).
     */
    public static void main(String[] args) {
        int h = 64;
        Random r = new Random(5);
        float[] pre = gaussian(r, 4 * h, 1), hidden = gaussian(r, 4 * h, 1), bias = gaussian(r, 4 * h, 1);
        float[] gates = new float[4 * h], cs = new float[2 * h], tc = new float[h], hs = new float[2 * h];
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long fewest = Long.MAX_VALUE;
        for (long end = System.nanoTime() + 20_000_000_000L; System.nanoTime() < end && fewest > 0; ) {
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 1000; i++) {
                System.arraycopy(pre, 0, gates, 0, gates.length);
                LstmCell.IMPL.forward(1, ONE_ROW, gates, 0, hidden, 0, bias, h, cs, 0, h, tc, 0, hs);
            }
            fewest = Math.min(fewest, threads.getCurrentThreadAllocatedBytes() - before);
        }
        System.out.println("bytes allocated by 1000 rows: " + fewest);
    }

    /** Pre-activation u of the row: input projection plus hidden product plus bias. */
    private static double sum(float[] pre, float[] hidden, float[] bias, int u) {
        return (double) pre[2 + u] + hidden[3 + u] + bias[u];
    }

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    private static float[] gaussian(Random r, int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (r.nextGaussian() * scale);
        return a;
    }

    private static void close(float actual, double expected, String what) {
        assertThat((double) actual).as(what).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-6 * Math.abs(expected) + 1e-7));
    }
}
