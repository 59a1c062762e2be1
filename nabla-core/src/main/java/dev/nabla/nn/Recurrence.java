package dev.nabla.nn;

import dev.nabla.autograd.Autograd;
import dev.nabla.kernels.ColumnSums;
import dev.nabla.kernels.Activations;
import dev.nabla.kernels.Gemm;
import dev.nabla.kernels.Gemms;
import dev.nabla.kernels.LstmCell;
import dev.nabla.kernels.PackedB;
import dev.nabla.kernels.Parallel;
import dev.nabla.kernels.RecycledArrays;
import dev.nabla.tensor.Tensor;

/**
 * The time loop of {@link SimpleRNN}, {@link LSTM} and {@link GRU} as one recorded op with its own backward pass
 * (backpropagation through time), so that a sequence costs one graph node instead of a dozen per step.
 *
 * <p>Forward: one GEMM projects every step's input at once ({@code [B*T, D] x [D, G]}, G = gates * H), then each
 * step computes {@code h W_hh^T} ({@code [B, H] x [H, G]}, W_hh laid out for the GEMM once per pass), adds it to
 * that step's rows in place and applies the gate functions there, keeping the activated gates, the states and (GRU)
 * the hidden product of the candidate for the backward pass. Backward walks the steps in reverse with one GEMM per
 * step for the gradient flowing to the previous state, keeping every step's pre-activation gradients (in place of the
 * gates), then over all steps one GEMM for dX and one for dW_ih and dW_hh together (two for the GRU).
 *
 * <p>The gate functions run over each row's gates at once ({@link Activations}; for the LSTM, the whole cell forward and
 * backward in one pass, {@link LstmCell}; both vectorised where the Vector API is), and each worker thread takes its
 * share of the rows through every step ({@link Parallel}).
 *
 * <p>Padded steps (mask 0) carry the state through unchanged and output zeros, so they get no gradient.
 */
final class Recurrence {

    /** The cell: gate count and the order of the gates in the stacked weights (PyTorch's). */
    enum Cell {
        /** h' = tanh(W_ih x + b_ih + W_hh h + b_hh). */
        RNN_TANH(1),
        /** gates i, f, g, o; c' = f c + i g, h' = o tanh(c'). */
        LSTM(4),
        /** gates r, z, n; n = tanh(W_in x + b_in + r (W_hn h + b_hn)), h' = (1 - z) n + z h. */
        GRU(3);

        final int gates;

        Cell(int gates) {
            this.gates = gates;
        }

        /** How many final states follow the outputs in the op's result: h_n, and c_n for an LSTM. */
        int states() {
            return this == LSTM ? 2 : 1;
        }
    }

    /** Rows one thread takes at least through the sequence (a row's gate work is about a microsecond a step). */
    private static final int ROWS_PER_TASK = 32;

    private Recurrence() {
    }

    /**
     * Runs the recurrence over {@code x} [B, T, D] and returns {@code [B, T + states, H]} with {@code sequences}, else
     * {@code [B, states, H]}: first the outputs of the T steps if asked for (zeros at padded steps), then h_n and, for
     * an LSTM, c_n. {@code mask} ([B, T] of 1/0), {@code h0} and {@code c0} ([B, H]) may be null (no padding, zero
     * states). Without the outputs, a layer that returns the last state neither writes nor slices the whole sequence
     * (in W6 that copy into a new array took 4% of the training thread).
     */
    static Tensor run(Cell cell, boolean sequences, Tensor x, Tensor mask, Tensor h0, Tensor c0,
                      Tensor wIh, Tensor wHh, Tensor bIh, Tensor bHh) {
        Forward f = new Forward(cell, sequences, x, mask, h0, c0, wIh, wHh, bIh, bHh);
        f.compute();
        Tensor out = Tensor.of(f.result(), f.b, f.outputs + cell.states(), f.h);
        Tensor[] inputs = inputs(x, wIh, wHh, bIh, bHh, h0, c0);
        return Autograd.record(opName(cell), () -> rule(cell), out, (g, need) -> f.backward(g.data(), need), f::release, inputs);
    }

    private static Tensor[] inputs(Tensor x, Tensor wIh, Tensor wHh, Tensor bIh, Tensor bHh, Tensor h0, Tensor c0) {
        int n = 5 + (h0 != null ? 1 : 0) + (c0 != null ? 1 : 0);
        Tensor[] in = new Tensor[n];
        in[0] = x;
        in[1] = wIh;
        in[2] = wHh;
        in[3] = bIh;
        in[4] = bHh;
        int k = 5;
        if (h0 != null) in[k++] = h0;
        if (c0 != null) in[k] = c0;
        return in;
    }

    static String opName(Cell cell) {
        switch (cell) {
            case LSTM: return "lstm";
            case GRU: return "gru";
            default: return "rnn_tanh";
        }
    }

    private static String rule(Cell cell) {
        String common = "; backward through time, last step first: the state's gradient (from the outputs, the next step and"
                + " h_n) goes through the gates to dZ_t (the pre-activations), dh_{t-1} = dZ_t W_hh (+ the direct path),"
                + " then over all steps dX = dZ W_ih, dW_ih = dZ^T X, dW_hh = sum_t dZ_t^T h_{t-1}, db = dZ summed over batch and time;"
                + " padded steps pass the state's gradient through unchanged";
        switch (cell) {
            case LSTM:
                return "for i,f,g,o = sigmoid, sigmoid, tanh, sigmoid of (x W_ih^T + b_ih + h W_hh^T + b_hh), c' = f c + i g,"
                        + " h' = o tanh(c'): do = dh tanh(c'), dc += dh o (1 - tanh(c')^2), di = dc g, df = dc c, dg = dc i,"
                        + " dc_prev = dc f" + common;
            case GRU:
                return "for r,z = sigmoid(x W_i^T + b_i + h W_h^T + b_h), n = tanh(x W_in^T + b_in + r (h W_hn^T + b_hn)),"
                        + " h' = (1 - z) n + z h: dn = dh (1 - z), dz = dh (h - n), dh_prev gets dh z directly,"
                        + " dr = dn (1 - n^2) (h W_hn^T + b_hn), and the candidate's hidden part gets dn (1 - n^2) r" + common;
            default:
                return "for h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh): dZ = dh (1 - h'^2)" + common;
        }
    }

    /** The forward pass and what the backward pass needs of it. */
    private static final class Forward {
        final Cell cell;
        final int b, t, d, h, g;
        /** The output steps in the result: T with the sequence, else 0. */
        final int outputs;
        final float[] x, mask, wIh, wHh, bIh, bHh;
        final Tensor h0, c0;
        /** [B, T, G]: the pre-activations, then (after each step) the activated gates, then (backward) their gradients. */
        final float[] gates;
        /** [B, T+1, H]: the state before step 0 (h0), then after each step (carried through padded steps). */
        final float[] hs;
        /** [B, T+1, H]: the LSTM cell state, likewise. */
        final float[] cs;
        /** [B, T, H]: the GRU candidate's hidden part W_hn h + b_hn at each step. */
        final float[] hn;
        /** [B, T, H]: the LSTM's tanh(c) at each step. */
        final float[] tc;
        /** Whether a backward pass has overwritten {@link #gates} with their gradients. */
        boolean gatesHoldGradients;
        /** Where consecutive batch rows lie for the LSTM cell, forward (hidden: the step's product) and backward (dh, dc). */
        final LstmCell.Strides forwardStrides, backwardStrides;

        Forward(Cell cell, boolean sequences, Tensor x, Tensor mask, Tensor h0, Tensor c0, Tensor wIh, Tensor wHh, Tensor bIh, Tensor bHh) {
            this.cell = cell;
            this.outputs = sequences ? x.dim(1) : 0;
            this.b = x.dim(0);
            this.t = x.dim(1);
            this.d = x.dim(2);
            this.h = wHh.dim(1);
            this.g = cell.gates * h;
            this.x = x.data();
            this.mask = mask == null ? null : mask.data();
            this.wIh = wIh.data();
            this.wHh = wHh.data();
            this.bIh = bIh.data();
            this.bHh = bHh.data();
            this.h0 = h0;
            this.c0 = c0;
            // Recycled arrays (see release): each element is written before it is read, but for the zero states
            this.gates = RecycledArrays.take(b * t * g);
            this.hs = RecycledArrays.take(b * (t + 1) * h);
            this.cs = cell == Cell.LSTM ? RecycledArrays.take(b * (t + 1) * h) : null;
            this.hn = cell == Cell.GRU ? RecycledArrays.take(b * t * h) : null;
            this.tc = cell == Cell.LSTM ? RecycledArrays.take(b * t * h) : null;
            this.forwardStrides = new LstmCell.Strides(t * g, g, (t + 1) * h, t * h);
            this.backwardStrides = new LstmCell.Strides(t * g, h, (t + 1) * h, t * h);
            int stride = (t + 1) * h;
            for (int r = 0; r < b; r++) {
                if (h0 == null) java.util.Arrays.fill(hs, r * stride, r * stride + h, 0f);
                if (cs != null && c0 == null) java.util.Arrays.fill(cs, r * stride, r * stride + h, 0f);
            }
        }

        /** Gives the saved gates and states back for the next pass: the backward rule that read them is gone. */
        void release() {
            RecycledArrays.give(gates);
            RecycledArrays.give(hs);
            RecycledArrays.give(cs);
            RecycledArrays.give(hn);
            RecycledArrays.give(tc);
        }

        boolean real(int row, int step) {
            return mask == null || mask[row * t + step] != 0f;
        }

        /** Whether step s is real (not padded) in every row of [from, to). */
        private boolean allReal(int s, int from, int to) {
            if (mask == null) return true;
            for (int r = from; r < to; r++) if (!real(r, s)) return false;
            return true;
        }

        void compute() {
            Gemm gemm = Gemms.get();
            // The biases are added to each row just before its gates are applied, while it is in cache; b_hh joins
            // b_ih except for the GRU, whose b_hn sits inside r * (...).
            float[] rowBias = bIh.clone();
            if (cell != Cell.GRU) for (int j = 0; j < g; j++) rowBias[j] += bHh[j];
            gemm.sgemm(false, true, b * t, g, d, 1f, x, 0, d, wIh, 0, d, 0f, gates, 0, g);
            int stride = (t + 1) * h;
            for (int r = 0; r < b; r++) {
                if (h0 != null) System.arraycopy(h0.data(), r * h, hs, r * stride, h);
                if (c0 != null) System.arraycopy(c0.data(), r * h, cs, r * stride, h);
            }
            // W_hh^T [H, G] once, and laid out for the GEMM once: every step's product then reads it as it is,
            // instead of re-laying W_hh [G, H] for each of the T products
            float[] wHhT = new float[h * g];
            for (int j = 0; j < g; j++) for (int i = 0; i < h; i++) wHhT[i * g + j] = wHh[j * h + i];
            PackedB packed = gemm.pack(false, h, g, wHhT, 0, g);
            Parallel.forRange(b, ROWS_PER_TASK, (from, to) -> forwardThroughTime(gemm, from, to, packed, rowBias));
        }

        /**
         * Rows [from, to) through every step: rows never meet in the recurrence, so each thread takes its rows from
         * the first step to the last (its products run on the thread alone) and threads meet once per pass, not twice
         * per step (the 2T hand-offs of a step-by-step split were a tenth of W6's time).
         */
        private void forwardThroughTime(Gemm gemm, int from, int to, PackedB wHhT, float[] rowBias) {
            int rows = to - from, stride = (t + 1) * h;
            // The step's hidden product h W_hh^T, row r at row r - from: stored (beta 0) and added by the gate code
            // as it reads the row, rather than added into the gates by the GEMM through its tile buffer
            float[] hp = new float[rows * g];
            for (int s = 0; s < t; s++) {
                gemm.sgemm(false, rows, 1f, hs, from * stride + s * h, stride, wHhT, 0f, hp, 0, g);
                forwardRows(s, from, to, rowBias, hp);
            }
        }

        /**
         * Step s for rows [from, to): the gate functions of the input projection plus the hidden product (row r - from
         * of hp) plus the biases, in that order, then the new state (carried over a padded step).
         */
        private void forwardRows(int s, int from, int to, float[] rowBias, float[] hp) {
            int stride = (t + 1) * h;
            if (cell == Cell.LSTM && allReal(s, from, to)) { // the block in one call
                int prev = from * stride + s * h;
                LstmCell.forward(to - from, forwardStrides, gates, (from * t + s) * g, hp, 0, rowBias, h, cs, prev, prev + h,
                        tc, (from * t + s) * h, hs);
                return;
            }
            for (int r = from; r < to; r++) {
                int prev = r * stride + s * h, next = prev + h, z = (r * t + s) * g;
                if (!real(r, s)) {
                    System.arraycopy(hs, prev, hs, next, h);
                    if (cs != null) System.arraycopy(cs, prev, cs, next, h);
                    continue;
                }
                int p = (r - from) * g;
                if (cell == Cell.LSTM) {
                    LstmCell.forward(1, forwardStrides, gates, z, hp, p, rowBias, h, cs, prev, next, tc, (r * t + s) * h, hs);
                } else if (cell == Cell.GRU) {
                    for (int j = 0; j < g; j++) gates[z + j] += rowBias[j];
                    gruStep(z, prev, next, hp, p, (r * t + s) * h);
                } else {
                    for (int j = 0; j < g; j++) gates[z + j] = gates[z + j] + hp[p + j] + rowBias[j];
                    rnnStep(z, next);
                }
            }
        }

        private void rnnStep(int z, int next) {
            Activations.tanhInPlace(gates, z, h);
            System.arraycopy(gates, z, hs, next, h);
        }

        /** hp holds h W_hh^T; b_hh joins it first, as W_hn h + b_hn sits inside r * (...). */
        private void gruStep(int z, int prev, int next, float[] hp, int p, int candidate) {
            for (int j = 0; j < 2 * h; j++) gates[z + j] += hp[p + j] + bHh[j];
            Activations.sigmoidInPlace(gates, z, 2 * h);          // r, z
            for (int j = 0; j < h; j++) {
                float hidden = hp[p + 2 * h + j] + bHh[2 * h + j];
                hn[candidate + j] = hidden;
                gates[z + 2 * h + j] += gates[z + j] * hidden;
            }
            Activations.tanhInPlace(gates, z + 2 * h, h);         // n
            for (int j = 0; j < h; j++) {
                float u = gates[z + h + j];
                hs[next + j] = (1f - u) * gates[z + 2 * h + j] + u * hs[prev + j];
            }
        }

        /** [B, outputs + states, H]: the outputs if asked for (zeros at padded steps), h_n, c_n. */
        float[] result() {
            int rows = outputs + cell.states(), stride = (t + 1) * h;
            float[] out = new float[b * rows * h];
            for (int r = 0; r < b; r++) {
                for (int s = 0; s < outputs; s++) {
                    if (real(r, s)) System.arraycopy(hs, r * stride + (s + 1) * h, out, (r * rows + s) * h, h);
                }
                System.arraycopy(hs, r * stride + t * h, out, (r * rows + outputs) * h, h);
                if (cs != null) System.arraycopy(cs, r * stride + t * h, out, (r * rows + outputs + 1) * h, h);
            }
            return out;
        }

        /** Gradients for (x, W_ih, W_hh, b_ih, b_hh[, h0][, c0]) from the gradient of {@link #result()}. */
        Tensor[] backward(float[] up, boolean[] need) {
            Gemm gemm = Gemms.get();
            int rows = outputs + cell.states();
            // The pre-activations' gradient (input side, [B, T, G]) replaces the gates in place: each row's gates are
            // read for the last time where its gradient is written. A second backward pass (a retained graph)
            // computes the forward pass again first.
            if (gatesHoldGradients) compute();
            gatesHoldGradients = true;
            float[] dz = gates;
            float[] dzh = cell == Cell.GRU ? new float[b * t * g] : dz; // hidden side (the GRU's candidate differs)
            float[] dh = new float[b * h];
            float[] dc = cs != null ? new float[b * h] : null;
            for (int r = 0; r < b; r++) {
                System.arraycopy(up, (r * rows + outputs) * h, dh, r * h, h);
                if (dc != null) System.arraycopy(up, (r * rows + outputs + 1) * h, dc, r * h, h);
            }
            // The outputs' gradients, row r's at step s at r * upStride + s * stepAt: without outputs, one row of
            // zeros for every row and step (adding it is what adding a slice's zero gradient did)
            float[] stepUp = outputs > 0 ? up : new float[h];
            int upStride = outputs > 0 ? rows * h : 0, stepAt = outputs > 0 ? h : 0;
            // The biases' gradients sum dZ over batch and time: each batch row's steps are summed while that row's dZ
            // is fresh in the cache, then the rows in order (a pass over all of dZ afterwards was a tenth of W6).
            float[] rowSums = new float[b * g], rowSumsHh = dzh != dz ? new float[b * g] : rowSums;
            // as forward, each thread its rows through every step, last step first, against W_hh laid out once
            PackedB packed = gemm.pack(false, g, h, wHh, 0, h);
            Parallel.forRange(b, ROWS_PER_TASK, (from, to) -> {
                for (int s = t - 1; s >= 0; s--) {
                    backwardRows(s, from, to, stepUp, upStride, s * stepAt, dz, dzh, dh, dc);
                    for (int r = from; r < to; r++) {
                        ColumnSums.addInto(dz, (r * t + s) * g, 1, g, rowSums, r * g);
                        if (dzh != dz) ColumnSums.addInto(dzh, (r * t + s) * g, 1, g, rowSumsHh, r * g);
                    }
                    // The cell leaves zeros in dh for the product to add to; where nothing else is left there (no
                    // GRU direct path, no padded row's carried gradient), the product overwrites (beta 0) instead
                    float beta = cell != Cell.GRU && allReal(s, from, to) ? 0f : 1f;
                    gemm.sgemm(false, to - from, 1f, dzh, (from * t + s) * g, t * g, packed, beta, dh, from * h, h);
                }
            });
            float[] dbIh = columnSums(rowSums, b), dbHh = dzh != dz ? columnSums(rowSumsHh, b) : dbIh.clone();
            Tensor[] grads = new Tensor[need.length];
            if (need[0]) {
                float[] dx = new float[b * t * d];
                gemm.sgemm(false, false, b * t, d, g, 1f, dz, 0, g, wIh, 0, d, 0f, dx, 0, d);
                grads[0] = Tensor.of(dx, b, t, d);
            }
            // dW_ih = sum over steps of dZ_t^T x_t and dW_hh = sum of dZh_t^T h_{t-1}: one GEMM over all steps, reading
            // dZ once (two for the GRU, whose hidden side differs)
            if (dzh == dz) {
                Tensor[] w = weightGradients(gemm, dz, need[1], need[2]);
                grads[1] = w[0];
                grads[2] = w[1];
            } else {
                if (need[1]) grads[1] = weightGradients(gemm, dz, true, false)[0];
                if (need[2]) grads[2] = weightGradients(gemm, dzh, false, true)[1];
            }
            if (need[3]) grads[3] = Tensor.of(dbIh, g);
            if (need[4]) grads[4] = Tensor.of(dbHh, g);
            int k = 5;
            if (h0 != null) {
                if (need[k]) grads[k] = Tensor.of(dh, b, h);
                k++;
            }
            if (c0 != null && need[k]) grads[k] = Tensor.of(dc, b, h);
            return grads;
        }

        /**
         * From dZ [B*T, G] of one side: dZ^T X ([G, D], if {@code withX}) and dZ^T H with H the states before each
         * step ([G, H], if {@code withH}); null where not asked for. Computed as A^T dZ for A = [X | H] ([B*T, cols]):
         * its wide output suits the GEMM's tiles better than dZ^T A (half to a third of the time over the same long
         * depth), and each of its rows is a column of a result (the same bits as a product for each).
         */
        private Tensor[] weightGradients(Gemm gemm, float[] dz, boolean withX, boolean withH) {
            Tensor[] out = new Tensor[2];
            int cols = (withX ? d : 0) + (withH ? h : 0), stride = (t + 1) * h;
            if (cols == 0) return out;
            float[] a = RecycledArrays.take(b * t * cols); // every element written below
            // by both threads (one thread's copies were a fortieth of W6 while the other waited)
            Parallel.forRange(b, ROWS_PER_TASK, (from, to) -> {
                for (int r = from; r < to; r++) {
                    for (int s = 0; s < t; s++) {
                        int o = (r * t + s) * cols;
                        if (withX) System.arraycopy(x, (r * t + s) * d, a, o, d);
                        if (withH) System.arraycopy(hs, r * stride + s * h, a, o + (withX ? d : 0), h);
                    }
                }
            });
            float[] at = RecycledArrays.take(cols * g);
            gemm.sgemm(true, false, cols, g, b * t, 1f, a, 0, cols, dz, 0, g, 0f, at, 0, g); // beta 0: all of at written
            RecycledArrays.give(a);
            if (withX) out[0] = Tensor.of(transposedRows(at, 0, d), g, d);
            if (withH) out[1] = Tensor.of(transposedRows(at, withX ? d : 0, h), g, h);
            RecycledArrays.give(at);
            return out;
        }

        /** Rows [first, first + n) of at [cols, G], transposed to [G, n], by both threads. */
        private float[] transposedRows(float[] at, int first, int n) {
            float[] out = new float[g * n];
            Parallel.forRange(g, 16, (from, to) -> {
                for (int i = 0; i < n; i++) for (int j = from; j < to; j++) out[j * n + i] = at[(first + i) * g + j];
            });
            return out;
        }

        /**
         * Step s backwards for rows [from, to): the state's gradient through the cell to dZ (none at a padded step).
         * Row r's output gradient is at {@code up[r * upStride + upAt]}.
         */
        private void backwardRows(int s, int from, int to, float[] up, int upStride, int upAt, float[] dz, float[] dzh, float[] dh, float[] dc) {
            int stride = (t + 1) * h;
            if (cell == Cell.LSTM && allReal(s, from, to)) { // in one call, as forward
                LstmCell.backward(to - from, backwardStrides, dz, (from * t + s) * g, h, tc, (from * t + s) * h, cs,
                        from * stride + s * h, up, from * upStride + upAt, upStride, dh, dc, from * h);
                return;
            }
            for (int r = from; r < to; r++) {
                if (!real(r, s)) { // the state went through unchanged, and so does its gradient
                    java.util.Arrays.fill(dz, (r * t + s) * g, (r * t + s + 1) * g, 0f);
                    continue;
                }
                int o = r * upStride + upAt, q = r * h, prev = r * stride + s * h, z = (r * t + s) * g;
                if (cell == Cell.LSTM) { // adds up to dh itself
                    LstmCell.backward(1, backwardStrides, dz, z, h, tc, (r * t + s) * h, cs, prev, up, o, upStride, dh, dc, q);
                    continue;
                }
                ColumnSums.addInto(up, o, 1, h, dh, q); // dh += up, vectorised (C2 leaves this loop over two offsets scalar)
                if (cell == Cell.GRU) gruBack(dz, dzh, z, prev, dh, q, (r * t + s) * h);
                else rnnBack(dz, z, dh, q);
            }
        }

        /** The column sums of [rows, G]. */
        private float[] columnSums(float[] m, int rows) {
            float[] sum = new float[g];
            ColumnSums.addInto(m, 0, rows, g, sum, 0);
            return sum;
        }

        private void rnnBack(float[] dz, int z, float[] dh, int q) {
            for (int j = 0; j < h; j++) {
                float y = gates[z + j];
                dz[z + j] = dh[q + j] * (1f - y * y);
                dh[q + j] = 0f; // the GEMM with W_hh gives the previous state's gradient
            }
        }

        private void gruBack(float[] dz, float[] dzh, int z, int prev, float[] dh, int q, int candidate) {
            for (int j = 0; j < h; j++) {
                float r = gates[z + j], u = gates[z + h + j], n = gates[z + 2 * h + j];
                float dhj = dh[q + j];
                float dn = dhj * (1f - u) * (1f - n * n);
                float dr = dn * hn[candidate + j] * r * (1f - r);
                float du = dhj * (hs[prev + j] - n) * u * (1f - u);
                dz[z + j] = dr;
                dz[z + h + j] = du;
                dz[z + 2 * h + j] = dn;
                dzh[z + j] = dr;
                dzh[z + h + j] = du;
                dzh[z + 2 * h + j] = dn * r;
                dh[q + j] = dhj * u;
            }
        }
    }
}
