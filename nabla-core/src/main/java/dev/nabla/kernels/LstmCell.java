package dev.nabla.kernels;

/**
 * One LSTM step for a block of rows, forward and backward: the gate functions, the new cell and hidden state, and
 * (backward) the pre-activation gradients, with the Vector API where it is present. A row's gates are
 * {@code [i, f, g, o]}, each {@code h} long (PyTorch's order). Row {@code r} of the block lies {@code r} strides
 * ({@link Strides}) after the offsets given for row 0 in every array but the bias.
 *
 * <p>Written apart from the recurrence because the backward pass writes the gradients over the gates it reads, so
 * the JIT cannot vectorise the loop by itself (it cannot tell the reads from the writes), and the forward pass's
 * separate loops (bias, three activations, the state) each walked the row again. A block of rows per call, so that a
 * step costs the recurrence one call per thread rather than one per row (W6 ran at the same speed either way), and
 * the backward pass adds the outputs' gradient to dh in the same pass.
 */
public final class LstmCell {

    /**
     * How far apart consecutive rows lie: in the gates, in the hidden product (forward) or the state gradients dh
     * and dc (backward), in the states (cs and hs) and in tanh(c) (tc).
     */
    public record Strides(int gates, int hidden, int states, int tanhCell) {
    }

    interface Impl {
        void forward(int rows, Strides st, float[] gates, int z, float[] hidden, int hz, float[] bias, int h,
                     float[] cs, int prev, int next, float[] tc, int at, float[] hs);

        void backward(int rows, Strides st, float[] gates, int z, int h, float[] tc, int at, float[] cs, int prev,
                      float[] up, int uo, int upStride, float[] dh, float[] dc, int q);
    }

    static final Impl IMPL = choose();

    private LstmCell() {
    }

    /**
     * For each of {@code rows} rows: adds the hidden product {@code hidden[hz..hz+4h)} ({@code h W_hh^T}), then
     * {@code bias}, to the row's input projections at {@code gates[z..z+4h)} and replaces the sums by the activated
     * gates; then {@code c' = f c + i g} into {@code cs[next..]} (c from {@code cs[prev..]}), {@code tanh(c')} into
     * {@code tc[at..]} and {@code h' = o tanh(c')} into {@code hs[next..]}.
     */
    public static void forward(int rows, Strides st, float[] gates, int z, float[] hidden, int hz, float[] bias, int h,
                               float[] cs, int prev, int next, float[] tc, int at, float[] hs) {
        IMPL.forward(rows, st, gates, z, hidden, hz, bias, h, cs, prev, next, tc, at, hs);
    }

    /**
     * For each of {@code rows} rows: adds the output's gradient {@code up[uo..uo+h)} (rows {@code upStride} apart) to
     * dh, then from the activated gates at {@code gates[z..]}, {@code tanh(c')} at {@code tc[at..]}, the previous cell
     * state at {@code cs[prev..]} and the gradients {@code dh}, {@code dc} of the new states at {@code [q..q+h)}:
     * writes the gradients of the four pre-activations over the gates, {@code dc} of the previous cell state over
     * dc, and zeros over dh (the hidden product's GEMM adds the previous state's gradient there).
     */
    public static void backward(int rows, Strides st, float[] gates, int z, int h, float[] tc, int at, float[] cs, int prev,
                                float[] up, int uo, int upStride, float[] dh, float[] dc, int q) {
        IMPL.backward(rows, st, gates, z, h, tc, at, cs, prev, up, uo, upStride, dh, dc, q);
    }

    /** The scalar implementation, and the vector one's tail (units {@code from..h}). */
    static final class Scalar implements Impl {
        @Override
        public void forward(int rows, Strides st, float[] gates, int z, float[] hidden, int hz, float[] bias, int h,
                            float[] cs, int prev, int next, float[] tc, int at, float[] hs) {
            forward(rows, st, gates, z, hidden, hz, bias, h, cs, prev, next, tc, at, hs, 0);
        }

        static void forward(int rows, Strides st, float[] gates, int z, float[] hidden, int hz, float[] bias, int h,
                            float[] cs, int prev, int next, float[] tc, int at, float[] hs, int from) {
            for (int r = 0; r < rows; r++) {
                forwardRow(gates, z + r * st.gates(), hidden, hz + r * st.hidden(), bias, h, cs, prev + r * st.states(),
                        next + r * st.states(), tc, at + r * st.tanhCell(), hs, from);
            }
        }

        private static void forwardRow(float[] gates, int z, float[] hidden, int hz, float[] bias, int h, float[] cs,
                                       int prev, int next, float[] tc, int at, float[] hs, int from) {
            for (int j = from; j < h; j++) {
                float i = UnaryOp.sigmoid(gates[z + j] + hidden[hz + j] + bias[j]);
                float f = UnaryOp.sigmoid(gates[z + h + j] + hidden[hz + h + j] + bias[h + j]);
                float g = Activations.tanh(gates[z + 2 * h + j] + hidden[hz + 2 * h + j] + bias[2 * h + j]);
                float o = UnaryOp.sigmoid(gates[z + 3 * h + j] + hidden[hz + 3 * h + j] + bias[3 * h + j]);
                float c = f * cs[prev + j] + i * g, t = Activations.tanh(c);
                gates[z + j] = i;
                gates[z + h + j] = f;
                gates[z + 2 * h + j] = g;
                gates[z + 3 * h + j] = o;
                cs[next + j] = c;
                tc[at + j] = t;
                hs[next + j] = o * t;
            }
        }

        @Override
        public void backward(int rows, Strides st, float[] gates, int z, int h, float[] tc, int at, float[] cs, int prev,
                             float[] up, int uo, int upStride, float[] dh, float[] dc, int q) {
            backward(rows, st, gates, z, h, tc, at, cs, prev, up, uo, upStride, dh, dc, q, 0);
        }

        static void backward(int rows, Strides st, float[] gates, int z, int h, float[] tc, int at, float[] cs, int prev,
                             float[] up, int uo, int upStride, float[] dh, float[] dc, int q, int from) {
            for (int r = 0; r < rows; r++) {
                backwardRow(gates, z + r * st.gates(), h, tc, at + r * st.tanhCell(), cs, prev + r * st.states(),
                        up, uo + r * upStride, dh, dc, q + r * st.hidden(), from);
            }
        }

        private static void backwardRow(float[] gates, int z, int h, float[] tc, int at, float[] cs, int prev,
                                        float[] up, int uo, float[] dh, float[] dc, int q, int from) {
            for (int j = from; j < h; j++) {
                float i = gates[z + j], f = gates[z + h + j], g = gates[z + 2 * h + j], o = gates[z + 3 * h + j];
                float t = tc[at + j], dhj = dh[q + j] + up[uo + j];
                float dcj = dc[q + j] + dhj * o * (1f - t * t);
                gates[z + j] = dcj * g * i * (1f - i);
                gates[z + h + j] = dcj * cs[prev + j] * f * (1f - f);
                gates[z + 2 * h + j] = dcj * i * (1f - g * g);
                gates[z + 3 * h + j] = dhj * t * o * (1f - o);
                dc[q + j] = dcj * f;
                dh[q + j] = 0f;
            }
        }
    }

    private static Impl choose() {
        return Boolean.getBoolean("nabla.scalarActivations") ? new Scalar()
                : VectorImplementations.orScalar(Impl.class, "VectorLstmCell", new Scalar());
    }
}
