package dev.nabla.nn;

/**
 * The Elman recurrence over {@code [batch, time, features]}, as PyTorch's {@code nn.RNN(batch_first=True)} with tanh:
 * {@code h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)}. See {@link Recurrent} for outputs, states and masks.
 *
 * <p>Parameters: {@code weight_ih} [H, D], {@code weight_hh} [H, H], {@code bias_ih}, {@code bias_hh} [H], PyTorch's
 * {@code weight_ih_l0} etc. unchanged. From Keras's {@code SimpleRNN}: {@code weight_ih = kernel^T},
 * {@code weight_hh = recurrent_kernel^T}, {@code bias_ih = bias}, {@code bias_hh} zero.
 *
 * <pre>{@code
 * SimpleRNN rnn = SimpleRNN.of(8);
 * Tensor last = rnn.apply(Tensor.ones(2, 5, 3));   // [2, 8]
 * }</pre>
 */
public class SimpleRNN extends Recurrent {

    public SimpleRNN(String name, int units, boolean returnSequences) {
        super(name, units, returnSequences);
    }

    /** A tanh RNN returning its last output [batch, units]. */
    public static SimpleRNN of(int units) {
        return new SimpleRNN(null, units, false);
    }

    @Override
    Recurrence.Cell cell() {
        return Recurrence.Cell.RNN_TANH;
    }

    @Override
    public SimpleRNN returnSequences(boolean value) {
        super.returnSequences(value);
        return this;
    }
}
