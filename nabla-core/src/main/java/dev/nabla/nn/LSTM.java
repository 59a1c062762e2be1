package dev.nabla.nn;

/**
 * Long short-term memory over {@code [batch, time, features]}, as PyTorch's {@code nn.LSTM(batch_first=True)}:
 * gates {@code i, f, g, o} = sigmoid, sigmoid, tanh, sigmoid of {@code x W_ih^T + b_ih + h W_hh^T + b_hh},
 * {@code c' = f * c + i * g}, {@code h' = o * tanh(c')}. See {@link Recurrent} for outputs, states and masks.
 *
 * <p>Parameters: {@code weight_ih} [4H, D], {@code weight_hh} [4H, H], {@code bias_ih}, {@code bias_hh} [4H], rows in
 * gate order i, f, g, o: PyTorch's {@code weight_ih_l0} etc. load unchanged. From Keras's {@code LSTM}: Keras keeps
 * {@code kernel} [D, 4H] and {@code recurrent_kernel} [H, 4H] with gates in the order i, f, c, o (its c is our g), so
 * {@code weight_ih = kernel^T}, {@code weight_hh = recurrent_kernel^T}, and Keras's single {@code bias} [4H] goes into
 * {@code bias_ih} with {@code bias_hh} zero.
 *
 * <pre>{@code
 * Sequential stacked = Sequential.of(LSTM.of(32).returnSequences(true), LSTM.of(32), Dense.of(10));
 * Tensor logits = stacked.apply(Tensor.ones(4, 28, 28));   // [4, 10]
 * }</pre>
 */
public class LSTM extends Recurrent {

    public LSTM(String name, int units, boolean returnSequences) {
        super(name, units, returnSequences);
    }

    /** An LSTM returning its last output [batch, units]. */
    public static LSTM of(int units) {
        return new LSTM(null, units, false);
    }

    @Override
    Recurrence.Cell cell() {
        return Recurrence.Cell.LSTM;
    }

    @Override
    public LSTM returnSequences(boolean value) {
        super.returnSequences(value);
        return this;
    }
}
