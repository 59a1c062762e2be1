package dev.nabla.nn;

/**
 * Gated recurrent unit over {@code [batch, time, features]}, as PyTorch's {@code nn.GRU(batch_first=True)}: gates
 * {@code r, z} = sigmoid of {@code x W_i^T + b_i + h W_h^T + b_h}, candidate
 * {@code n = tanh(x W_in^T + b_in + r * (h W_hn^T + b_hn))} (the reset gate applied after the hidden product),
 * {@code h' = (1 - z) * n + z * h}. See {@link Recurrent} for outputs, states and masks.
 *
 * <p>Parameters: {@code weight_ih} [3H, D], {@code weight_hh} [3H, H], {@code bias_ih}, {@code bias_hh} [3H], rows in
 * gate order r, z, n: PyTorch's {@code weight_ih_l0} etc. load unchanged. From Keras's {@code GRU} (which must have
 * {@code reset_after=True}, its default, to compute the same candidate): Keras keeps {@code kernel} [D, 3H] and
 * {@code recurrent_kernel} [H, 3H] with gates in the order z, r, h, and {@code bias} [2, 3H] (input bias, then
 * recurrent bias); so transpose both kernels, swap the first two blocks of H rows (z, r becomes r, z), and take
 * {@code bias_ih} = bias[0], {@code bias_hh} = bias[1] with the same swap.
 *
 * <pre>{@code
 * GRU gru = GRU.of(8).returnSequences(true);
 * Tensor seq = gru.apply(Tensor.ones(2, 5, 3));   // [2, 5, 8]
 * }</pre>
 */
public class GRU extends Recurrent {

    public GRU(String name, int units, boolean returnSequences) {
        super(name, units, returnSequences);
    }

    /** A GRU returning its last output [batch, units]. */
    public static GRU of(int units) {
        return new GRU(null, units, false);
    }

    @Override
    Recurrence.Cell cell() {
        return Recurrence.Cell.GRU;
    }

    @Override
    public GRU returnSequences(boolean value) {
        super.returnSequences(value);
        return this;
    }
}
