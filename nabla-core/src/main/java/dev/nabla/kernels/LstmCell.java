package dev.nabla.kernels;

/**
 * One LSTM step for one row, forward and backward, in a single pass over the hidden units: the gate functions, the
 * new cell and hidden state, and (backward) the pre-activation gradients, with the Vector API where it is present.
 * A row's gates are {@code [i, f, g, o]}, each {@code h} long (PyTorch's order).
 *
 * <p>Written apart from the recurrence because the backward pass writes the gradients over the gates it reads, so
 * the JIT cannot vectorise the loop by itself (it cannot tell the reads from the writes), and the forward pass's
 * separate loops (bias, three activations, the state) each walked the row again.
 */
public final class LstmCell {

    interface Impl {
        void forward(float[] gates, int z, float[] hidden, int hz, float[] bias, int h, float[] cs, int prev, int next, float[] tc, int at, float[] hs);

        void backward(float[] gates, int z, int h, float[] tc, int at, float[] cs, int prev, float[] dh, float[] dc, int q);
    }

    static final Impl IMPL = choose();

    private LstmCell() {
    }

    /**
     * Adds the hidden product {@code hidden[hz..hz+4h)} ({@code h W_hh^T}), then {@code bias}, to the row's input
     * projections at {@code gates[z..z+4h)} and replaces the sums by the activated gates; then {@code c' = f c + i g}
     * into {@code cs[next..]} (c from {@code cs[prev..]}), {@code tanh(c')} into {@code tc[at..]} and
     * {@code h' = o tanh(c')} into {@code hs[next..]}.
     */
    public static void forward(float[] gates, int z, float[] hidden, int hz, float[] bias, int h, float[] cs, int prev, int next, float[] tc, int at, float[] hs) {
        IMPL.forward(gates, z, hidden, hz, bias, h, cs, prev, next, tc, at, hs);
    }

    /**
     * From the activated gates at {@code gates[z..]}, {@code tanh(c')} at {@code tc[at..]}, the previous cell state at
     * {@code cs[prev..]} and the gradients {@code dh}, {@code dc} of the new states at {@code [q..q+h)}: writes the
     * gradients of the four pre-activations over the gates, {@code dc} of the previous cell state over dc, and zeros
     * over dh (the hidden product's GEMM adds the previous state's gradient there).
     */
    public static void backward(float[] gates, int z, int h, float[] tc, int at, float[] cs, int prev, float[] dh, float[] dc, int q) {
        IMPL.backward(gates, z, h, tc, at, cs, prev, dh, dc, q);
    }

    /** The scalar implementation, and the vector one's tail (units {@code from..h}). */
    static final class Scalar implements Impl {
        @Override
        public void forward(float[] gates, int z, float[] hidden, int hz, float[] bias, int h, float[] cs, int prev, int next, float[] tc, int at, float[] hs) {
            forward(gates, z, hidden, hz, bias, h, cs, prev, next, tc, at, hs, 0);
        }

        static void forward(float[] gates, int z, float[] hidden, int hz, float[] bias, int h, float[] cs, int prev, int next, float[] tc, int at, float[] hs, int from) {
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
        public void backward(float[] gates, int z, int h, float[] tc, int at, float[] cs, int prev, float[] dh, float[] dc, int q) {
            backward(gates, z, h, tc, at, cs, prev, dh, dc, q, 0);
        }

        static void backward(float[] gates, int z, int h, float[] tc, int at, float[] cs, int prev, float[] dh, float[] dc, int q, int from) {
            for (int j = from; j < h; j++) {
                float i = gates[z + j], f = gates[z + h + j], g = gates[z + 2 * h + j], o = gates[z + 3 * h + j];
                float t = tc[at + j], dhj = dh[q + j];
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
