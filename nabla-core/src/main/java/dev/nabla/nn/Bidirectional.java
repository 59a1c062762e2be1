package dev.nabla.nn;

import dev.nabla.io.JsonFields;
import dev.nabla.tensor.Tensor;

import java.util.Map;

/**
 * Runs a recurrent layer over the sequence forwards and a second copy of it backwards, and concatenates the two on
 * the feature axis, forward half first, as PyTorch's {@code bidirectional=True}: {@code [batch, time, 2*units]} with
 * {@code returnSequences}, else the two last outputs {@code [batch, 2*units]} (the backward half being the state after
 * it has read the whole sequence from the end, PyTorch's {@code h_n[1]}).
 *
 * <p>With a padding mask, the backward copy reads the real steps of each row in reverse and leaves the padded ones
 * where they are, so a post-padded row is read from its last real step, as a PyTorch packed sequence is.
 *
 * <p>The two copies are layers named {@code forward_<layer>} and {@code backward_<layer>}, so their parameters are
 * {@code forward_lstm/weight_ih}, {@code backward_lstm/weight_ih}, ... (PyTorch's {@code weight_ih_l0} and
 * {@code weight_ih_l0_reverse}). The direction is part of the layer's name, as in Keras, because each direction is a
 * whole layer of its own: every parameter keeps the one {@code <layer>/<parameter>} naming scheme.
 *
 * <pre>{@code
 * Bidirectional bi = Bidirectional.of(LSTM.of(8).returnSequences(true));
 * Tensor y = bi.apply(Tensor.ones(2, 5, 3));   // [2, 5, 16]: forward, then backward
 * }</pre>
 */
public class Bidirectional extends Layer implements Masks.Consumer {

    private final Map<String, Object> layerConfig;
    private final Recurrent forwardLayer;
    private final Recurrent backwardLayer;

    /** Wraps copies of {@code layer} (built from its config; {@code layer} itself is not used). */
    public Bidirectional(String name, Recurrent layer) {
        super(name);
        this.layerConfig = layer.config();
        this.forwardLayer = addChild(copy(layerConfig, "forward_"));
        this.backwardLayer = addChild(copy(layerConfig, "backward_"));
    }

    public static Bidirectional of(Recurrent layer) {
        return new Bidirectional(null, layer);
    }

    static Bidirectional fromConfig(String name, JsonFields f) {
        Layer inner = Layers.fromConfig(f.requireObject("layer").object(), f.path("layer"));
        if (!(inner instanceof Recurrent r)) throw f.error("layer", "expected a recurrent layer (SimpleRNN, LSTM, GRU), got " + inner.type());
        return new Bidirectional(name, r);
    }

    private static Recurrent copy(Map<String, Object> config, String prefix) {
        Map<String, Object> c = new java.util.LinkedHashMap<>(config);
        c.put("name", prefix + config.get("name"));
        return (Recurrent) Layers.fromConfig(c);
    }

    public Recurrent forwardLayer() {
        return forwardLayer;
    }

    public Recurrent backwardLayer() {
        return backwardLayer;
    }

    @Override
    protected void build(int[] inputShape) {
        forwardLayer.buildFor(inputShape);
        backwardLayer.buildFor(inputShape);
    }

    @Override
    protected Tensor forward(Tensor x) {
        return run(x, null);
    }

    @Override
    public Tensor applyMasked(Tensor[] inputs, Tensor[] masks) {
        if (inputs.length != 1) throw new IllegalArgumentException(name() + " takes one input, got " + inputs.length);
        buildFor(inputs[0].shape());
        return run(inputs[0], masks.length > 0 ? masks[0] : null);
    }

    @Override
    public Tensor outputMask(Tensor[] masks) {
        return forwardLayer.returnsSequences() && masks.length > 0 ? masks[0] : null;
    }

    private Tensor run(Tensor x, Tensor mask) {
        requireRank(x, 3, "[batch, time, features]");
        Tensor fwd = forwardLayer.applyMasked(x, mask);
        Tensor order = reversal(x.dim(0), x.dim(1), mask);
        Tensor bwd = backwardLayer.applyMasked(alongTime(x, order), mask);
        if (forwardLayer.returnsSequences()) return Tensor.concat(2, fwd, alongTime(bwd, order));
        return Tensor.concat(1, fwd, bwd);
    }

    /**
     * [batch, time]: for each step, the step it swaps with: the real steps of a row in reverse order, padded steps in
     * place. Applying it twice gives the identity, so the same order maps the backward outputs back.
     */
    static Tensor reversal(int batch, int time, Tensor mask) {
        float[] order = new float[batch * time];
        int[] real = new int[time];
        for (int b = 0; b < batch; b++) {
            int n = 0;
            for (int s = 0; s < time; s++) {
                order[b * time + s] = s;
                if (mask == null || mask.data()[b * time + s] != 0f) real[n++] = s;
            }
            for (int k = 0; k < n; k++) order[b * time + real[k]] = real[n - 1 - k];
        }
        return Tensor.of(order, batch, time);
    }

    /** x [batch, time, features] with its steps taken in {@code order} (a gather, so gradients flow back). */
    private static Tensor alongTime(Tensor x, Tensor order) {
        int b = x.dim(0), t = x.dim(1), f = x.dim(2);
        return x.gather(1, order.reshape(b, t, 1).expand(b, t, f));
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = super.config();
        c.put("layer", layerConfig);
        return c;
    }
}
