package dev.nabla.nn;

import dev.nabla.tensor.Shape;
import dev.nabla.tensor.Tensor;

import java.util.List;
import java.util.Map;

/**
 * What {@link SimpleRNN}, {@link LSTM} and {@link GRU} share: batch-first input {@code [batch, time, features]}, the
 * output (the whole sequence {@code [batch, time, units]} with {@link #returnSequences(boolean)}, else the last
 * output {@code [batch, units]}), initial and final states, padding masks, and PyTorch's parameters.
 *
 * <p><b>Parameters</b> are PyTorch's, named {@code <layer>/weight_ih} {@code [G*units, features]},
 * {@code weight_hh} {@code [G*units, units]}, {@code bias_ih} and {@code bias_hh} {@code [G*units]}, with the G gates
 * stacked in PyTorch's order, so the tensors of a PyTorch {@code nn.LSTM} / {@code nn.GRU} / {@code nn.RNN}
 * ({@code weight_ih_l0} ...) load as they are. They start as PyTorch's: uniform in +-1/sqrt(units).
 *
 * <p><b>Several outputs.</b> A layer's {@link #apply} returns one tensor, the output, so that it fits a
 * {@code Sequential} and a graph node like any layer. The final states come from {@link #applyWithState}, which
 * returns a {@link State} record (Keras's {@code return_state}; a flag changing what {@code apply} returns would make
 * the output's type depend on configuration). Initial states go in there too, or, in a functional graph, as extra
 * inputs: {@code lstm.call(x, h0, c0)}. In a graph, h_n is the output of a layer without {@code returnSequences}
 * (equal to its last output, padded steps or not); an LSTM's c_n is not a graph value: take it from
 * {@code applyWithState}.
 *
 * <pre>{@code
 * LSTM lstm = LSTM.of(16).returnSequences(true);
 * Tensor x = Tensor.ones(2, 5, 3);                       // batch 2, 5 steps, 3 features
 * Recurrent.State s = lstm.applyWithState(x);
 * Tensor seq = s.output();                               // [2, 5, 16]
 * Tensor next = lstm.applyWithState(x, s.h(), s.c()).output(); // continue from the final states
 * }</pre>
 *
 * <p><b>Masks.</b> A padded step (mask 0, from a {@link Masks.Source} before it, or given to
 * {@link #applyMasked(Tensor, Tensor)}) does not change the state, which is carried over, and outputs zeros, as in
 * Keras; so the last output of a post-padded sequence is its last real step's. With {@code returnSequences} the mask
 * passes on to the next layer. The whole time loop is one op with its own backward pass ({@link Recurrence}).
 * Exported to ONNX, the mask becomes each row's number of real steps (the ops' {@code sequence_lens}): the same
 * outputs for post-padded rows, other outputs for a row with padding before or between its real steps.
 */
public abstract class Recurrent extends Layer implements Masks.Consumer {

    /** The output and the final states (c is null except for an LSTM). */
    public record State(Tensor output, Tensor h, Tensor c) {
    }

    private final int units;
    private boolean returnSequences;
    private Tensor weightIh;
    private Tensor weightHh;
    private Tensor biasIh;
    private Tensor biasHh;

    protected Recurrent(String name, int units, boolean returnSequences) {
        super(name);
        if (units <= 0) throw new IllegalArgumentException(type() + ": units must be positive, got " + units);
        this.units = units;
        this.returnSequences = returnSequences;
    }

    abstract Recurrence.Cell cell();

    /** Whether the output is the whole sequence [batch, time, units] (true) or the last output [batch, units]. */
    public Recurrent returnSequences(boolean value) {
        this.returnSequences = value;
        return this;
    }

    public boolean returnsSequences() {
        return returnSequences;
    }

    public int units() {
        return units;
    }

    /** The stacked input weights [gates * units, features] (PyTorch's weight_ih_l0); null before build. */
    public Tensor weightIh() {
        return weightIh;
    }

    public Tensor weightHh() {
        return weightHh;
    }

    public Tensor biasIh() {
        return biasIh;
    }

    public Tensor biasHh() {
        return biasHh;
    }

    @Override
    protected void build(int[] inputShape) {
        if (inputShape.length != 3) throw shapeError("[batch, time, features]", inputShape);
        int g = cell().gates * units;
        double bound = 1.0 / Math.sqrt(units);
        Initializer init = Initializers.uniform(-bound, bound);
        weightIh = addWeight("weight_ih", new int[] {g, inputShape[2]}, init, true);
        weightHh = addWeight("weight_hh", new int[] {g, units}, init, true);
        biasIh = addWeight("bias_ih", new int[] {g}, init, true);
        biasHh = addWeight("bias_hh", new int[] {g}, init, true);
    }

    @Override
    protected Tensor forward(Tensor x) {
        return run(x, null, null, null).output();
    }

    /** {@code (x)}, {@code (x, h0)} or, for an LSTM, {@code (x, h0, c0)}: a graph node's inputs. */
    @Override
    public Tensor apply(Tensor... inputs) {
        checkInputCount(inputs.length);
        return applyMasked(inputs, new Tensor[inputs.length]);
    }

    @Override
    public int[] outputShape(List<int[]> inputShapes) {
        checkInputCount(inputShapes.size());
        return outputShape(inputShapes.get(0));
    }

    private void checkInputCount(int n) {
        if (n < 1 || n > 1 + cell().states()) {
            throw new IllegalArgumentException(name() + " takes the sequence and up to " + cell().states()
                    + " initial state(s), got " + n + " inputs");
        }
    }

    /** The output and final states from zero initial states. */
    public State applyWithState(Tensor x) {
        return applyWithState(x, null, null, null);
    }

    /** The output and final states from the initial state {@code h0} [batch, units]. */
    public State applyWithState(Tensor x, Tensor h0) {
        return applyWithState(x, null, h0, null);
    }

    /** As {@link #applyWithState(Tensor, Tensor)}, with the LSTM's initial cell state {@code c0} too. */
    public State applyWithState(Tensor x, Tensor h0, Tensor c0) {
        return applyWithState(x, null, h0, c0);
    }

    /**
     * The output and final states. {@code mask} ([batch, time] of 1 real / 0 padding), {@code h0} and {@code c0}
     * ([batch, units]) may be null: no padding, zero states.
     */
    public State applyWithState(Tensor x, Tensor mask, Tensor h0, Tensor c0) {
        buildFor(x.shape());
        return run(x, mask, h0, c0);
    }

    /** The output of {@code x} whose padded steps are marked by {@code mask} ([batch, time] of 1/0). */
    public Tensor applyMasked(Tensor x, Tensor mask) {
        return applyWithState(x, mask, null, null).output();
    }

    @Override
    public Tensor applyMasked(Tensor[] inputs, Tensor[] masks) {
        checkInputCount(inputs.length);
        Tensor h0 = inputs.length > 1 ? inputs[1] : null, c0 = inputs.length > 2 ? inputs[2] : null;
        return applyWithState(inputs[0], masks.length > 0 ? masks[0] : null, h0, c0).output();
    }

    /** With {@code returnSequences} the output keeps the time axis and the mask; the last output has neither. */
    @Override
    public Tensor outputMask(Tensor[] masks) {
        return returnSequences && masks.length > 0 ? masks[0] : null;
    }

    private State run(Tensor x, Tensor mask, Tensor h0, Tensor c0) {
        int[] s = x.shape();
        int features = weightIh.dim(1);
        if (s.length != 3 || s[2] != features) throw shapeError("[batch, time, " + features + "]", s);
        int b = s[0], t = s[1];
        if (mask != null && (mask.rank() != 2 || mask.dim(0) != b || mask.dim(1) != t)) {
            throw new IllegalArgumentException(name() + ": the mask must be [batch, time] = " + Shape.str(new int[] {b, t})
                    + " for input " + Shape.str(s) + ", got " + Shape.str(mask.shape()));
        }
        if (c0 != null && cell() != Recurrence.Cell.LSTM) throw new IllegalArgumentException(name() + ": only an LSTM has a cell state c0");
        checkState("h0", h0, b);
        checkState("c0", c0, b);
        if (c0 != null && h0 == null) h0 = Tensor.zeros(b, units);
        Tensor all = Recurrence.run(cell(), returnSequences, x, mask, h0, c0, weightIh, weightHh, biasIh, biasHh);
        int last = returnSequences ? t : 0; // h_n's row
        Tensor h = all.slice(1, last, last + 1).reshape(b, units);
        Tensor c = cell() == Recurrence.Cell.LSTM ? all.slice(1, last + 1, last + 2).reshape(b, units) : null;
        return new State(returnSequences ? all.slice(1, 0, t) : h, h, c);
    }

    private void checkState(String what, Tensor state, int batch) {
        if (state == null) return;
        int[] s = state.shape();
        if (s.length != 2 || s[0] != batch || s[1] != units) {
            throw new IllegalArgumentException(name() + ": the initial state " + what + " must be [batch, units] = "
                    + Shape.str(new int[] {batch, units}) + ", got " + Shape.str(s));
        }
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = super.config();
        c.put("units", units);
        c.put("return_sequences", returnSequences);
        return c;
    }

    @Override
    public String toString() {
        return name() + " (" + type() + " " + units + (returnSequences ? ", sequences" : "") + ")"
                + (weightIh == null ? "" : " weight_ih " + Shape.str(weightIh.shape()));
    }
}
