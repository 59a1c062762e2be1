package dev.nabla.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** {@link LstmCell} on the Vector API (gate functions from {@link VectorMath}); loaded only when the module is present. */
final class VectorLstmCell implements LstmCell.Impl {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    /**
     * In passes over the block, one gate function each: a single loop holding all five calls grew past what the JIT
     * inlines, and a vector that crosses a call it does not inline is boxed on the heap (five times slower than this).
     * For the same reason the passes are called through one virtual call site with seven classes behind it, which the
     * JIT never inlines: each pass is then compiled on its own, whole. Called directly, the JIT inlined the first
     * passes into this method and ran out of room in the second, right at its sigmoid, whose vectors were then boxed
     * (the recurrence's cells took 40% longer so).
     */
    @Override
    public void forward(int rows, LstmCell.Strides st, float[] gates, int z, float[] hidden, int hz, float[] bias, int h,
                        float[] cs, int prev, int next, float[] tc, int at, float[] hs) {
        int vectorPart = h - h % S.length();
        for (int r = 0; r < rows; r += ROWS_PER_BLOCK) {
            int n = Math.min(ROWS_PER_BLOCK, rows - r);
            for (Pass pass : FORWARD) {
                pass.run(n, st, gates, z + r * st.gates(), hidden, hz + r * st.hidden(), bias, h, cs, prev + r * st.states(),
                        next + r * st.states(), tc, at + r * st.tanhCell(), hs, vectorPart);
            }
        }
        LstmCell.Scalar.forward(rows, st, gates, z, hidden, hz, bias, h, cs, prev, next, tc, at, hs, vectorPart);
    }

    private static final Pass[] FORWARD = Pass.values();

    /**
     * The passes take the rows a few at a time, so that each pass finds the block's gates still in the L1 cache. A
     * recurrence's rows lie a whole sequence of gates apart (W6: 28 steps of 4 x 64 floats, 7 x 4 KiB), so all rows
     * of a step fall in the same few cache sets: over all 64 rows of W6's half batch, every pass missed L1
     * (the cell took 4.7-5.3 ns a unit and step, against 2.7 for its functions over contiguous values).
     */
    private static final int ROWS_PER_BLOCK = 8;

    /** The forward passes, in order, over units [0, n) of each row (arguments as {@link LstmCell#forward}). */
    private enum Pass {
        INPUT_GATE {
            @Override
            void run(int rows, LstmCell.Strides st, float[] gates, int z, float[] hidden, int hz, float[] bias, int h,
                     float[] cs, int prev, int next, float[] tc, int at, float[] hs, int n) {
                for (int r = 0; r < rows; r++) sigmoidOfSum(gates, z + r * st.gates(), hidden, hz + r * st.hidden(), bias, 0, n);
            }
        },
        FORGET_GATE {
            @Override
            void run(int rows, LstmCell.Strides st, float[] gates, int z, float[] hidden, int hz, float[] bias, int h,
                     float[] cs, int prev, int next, float[] tc, int at, float[] hs, int n) {
                for (int r = 0; r < rows; r++) sigmoidOfSum(gates, z + r * st.gates() + h, hidden, hz + r * st.hidden() + h, bias, h, n);
            }
        },
        CANDIDATE {
            @Override
            void run(int rows, LstmCell.Strides st, float[] gates, int z, float[] hidden, int hz, float[] bias, int h,
                     float[] cs, int prev, int next, float[] tc, int at, float[] hs, int n) {
                for (int r = 0; r < rows; r++) tanhOfSum(gates, z + r * st.gates() + 2 * h, hidden, hz + r * st.hidden() + 2 * h, bias, 2 * h, n);
            }
        },
        OUTPUT_GATE {
            @Override
            void run(int rows, LstmCell.Strides st, float[] gates, int z, float[] hidden, int hz, float[] bias, int h,
                     float[] cs, int prev, int next, float[] tc, int at, float[] hs, int n) {
                for (int r = 0; r < rows; r++) sigmoidOfSum(gates, z + r * st.gates() + 3 * h, hidden, hz + r * st.hidden() + 3 * h, bias, 3 * h, n);
            }
        },
        /** c' = f c + i g. */
        CELL {
            @Override
            void run(int rows, LstmCell.Strides st, float[] gates, int z, float[] hidden, int hz, float[] bias, int h,
                     float[] cs, int prev, int next, float[] tc, int at, float[] hs, int n) {
                for (int r = 0; r < rows; r++) {
                    int zr = z + r * st.gates(), pr = prev + r * st.states(), nr = next + r * st.states();
                    for (int j = 0; j < n; j += S.length()) {
                        FloatVector.fromArray(S, gates, zr + h + j).mul(FloatVector.fromArray(S, cs, pr + j))
                                .add(FloatVector.fromArray(S, gates, zr + j).mul(FloatVector.fromArray(S, gates, zr + 2 * h + j)))
                                .intoArray(cs, nr + j);
                    }
                }
            }
        },
        TANH_OF_CELL {
            @Override
            void run(int rows, LstmCell.Strides st, float[] gates, int z, float[] hidden, int hz, float[] bias, int h,
                     float[] cs, int prev, int next, float[] tc, int at, float[] hs, int n) {
                for (int r = 0; r < rows; r++) tanhOf(cs, next + r * st.states(), tc, at + r * st.tanhCell(), n);
            }
        },
        /** h' = o tanh(c'). */
        HIDDEN {
            @Override
            void run(int rows, LstmCell.Strides st, float[] gates, int z, float[] hidden, int hz, float[] bias, int h,
                     float[] cs, int prev, int next, float[] tc, int at, float[] hs, int n) {
                for (int r = 0; r < rows; r++) {
                    int o = z + r * st.gates() + 3 * h, t = at + r * st.tanhCell(), nr = next + r * st.states();
                    for (int j = 0; j < n; j += S.length()) {
                        FloatVector.fromArray(S, gates, o + j).mul(FloatVector.fromArray(S, tc, t + j)).intoArray(hs, nr + j);
                    }
                }
            }
        };

        abstract void run(int rows, LstmCell.Strides st, float[] gates, int z, float[] hidden, int hz, float[] bias, int h,
                          float[] cs, int prev, int next, float[] tc, int at, float[] hs, int n);
    }

    /** a[off + j] = sigmoid(a[off + j] + x[xo + j] + bias[b + j]) for j below n, a multiple of the vector length. */
    private static void sigmoidOfSum(float[] a, int off, float[] x, int xo, float[] bias, int b, int n) {
        for (int j = 0; j < n; j += S.length()) VectorMath.sigmoid(sum(a, off + j, x, xo + j, bias, b + j)).intoArray(a, off + j);
    }

    /** a[off + j] = tanh(a[off + j] + x[xo + j] + bias[b + j]) for j below n, a multiple of the vector length. */
    private static void tanhOfSum(float[] a, int off, float[] x, int xo, float[] bias, int b, int n) {
        for (int j = 0; j < n; j += S.length()) VectorMath.tanh(sum(a, off + j, x, xo + j, bias, b + j)).intoArray(a, off + j);
    }

    /** (a + x) + bias, one vector, added in the scalar code's order. */
    private static FloatVector sum(float[] a, int ao, float[] x, int xo, float[] bias, int b) {
        return FloatVector.fromArray(S, a, ao).add(FloatVector.fromArray(S, x, xo)).add(FloatVector.fromArray(S, bias, b));
    }

    /** out[o + j] = tanh(a[off + j]) for j below n, a multiple of the vector length. */
    private static void tanhOf(float[] a, int off, float[] out, int o, int n) {
        for (int j = 0; j < n; j += S.length()) VectorMath.tanh(FloatVector.fromArray(S, a, off + j)).intoArray(out, o + j);
    }

    @Override
    public void backward(int rows, LstmCell.Strides st, float[] gates, int z, int h, float[] tc, int at, float[] cs, int prev,
                         float[] up, int uo, int upStride, float[] dh, float[] dc, int q) {
        int vectorPart = h - h % S.length();
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (int r = 0; r < rows; r++) {
            int zr = z + r * st.gates(), ar = at + r * st.tanhCell(), pr = prev + r * st.states(), ur = uo + r * upStride, qr = q + r * st.hidden();
            for (int j = 0; j < vectorPart; j += S.length()) {
                FloatVector i = FloatVector.fromArray(S, gates, zr + j), f = FloatVector.fromArray(S, gates, zr + h + j);
                FloatVector g = FloatVector.fromArray(S, gates, zr + 2 * h + j), o = FloatVector.fromArray(S, gates, zr + 3 * h + j);
                FloatVector t = FloatVector.fromArray(S, tc, ar + j);
                FloatVector dhj = FloatVector.fromArray(S, dh, qr + j).add(FloatVector.fromArray(S, up, ur + j));
                FloatVector dcj = dhj.mul(o).mul(one.sub(t.mul(t))).add(FloatVector.fromArray(S, dc, qr + j));
                dcj.mul(g).mul(i).mul(one.sub(i)).intoArray(gates, zr + j);
                dcj.mul(FloatVector.fromArray(S, cs, pr + j)).mul(f).mul(one.sub(f)).intoArray(gates, zr + h + j);
                dcj.mul(i).mul(one.sub(g.mul(g))).intoArray(gates, zr + 2 * h + j);
                dhj.mul(t).mul(o).mul(one.sub(o)).intoArray(gates, zr + 3 * h + j);
                dcj.mul(f).intoArray(dc, qr + j);
                FloatVector.zero(S).intoArray(dh, qr + j);
            }
        }
        LstmCell.Scalar.backward(rows, st, gates, z, h, tc, at, cs, prev, up, uo, upStride, dh, dc, q, vectorPart);
    }
}
