package dev.nabla.nn;

import dev.nabla.tensor.Shape;
import dev.nabla.tensor.Tensor;

import java.util.List;
import java.util.Map;

/**
 * Multi-head attention on [batch, time, features] sequences, as Keras's {@code MultiHeadAttention(num_heads, key_dim)}
 * with PyTorch's {@code nn.MultiheadAttention} parameters, so PyTorch weights load as they are:
 * {@code <name>/in_proj_weight} [3E, D] (rows: the query, key and value projections, E = heads * keyDim),
 * {@code in_proj_bias} [3E], {@code out_proj_weight} [D, E] and {@code out_proj_bias} [D], D being the input's
 * feature size (PyTorch has D = E). Initialised as PyTorch: Xavier-uniform in-projection, U(+-1/sqrt(E)) output
 * projection, zero biases.
 *
 * <pre>{@code
 * MultiHeadAttention attention = new MultiHeadAttention(4, 16);
 * Tensor x = Tensor.ones(2, 10, 64);
 * Tensor self = attention.apply(x);                          // [2, 10, 64], self-attention
 * Tensor cross = attention.apply(x, Tensor.ones(2, 7, 64));  // queries from x, keys and values from the second
 * SymbolicTensor in = Input.of("tokens", 10, 64);
 * SymbolicTensor out = new MultiHeadAttention(null, 4, 16, true).call(in);  // causal self-attention node
 * }</pre>
 *
 * Inputs: one (self-attention), two (query, key = value) or three (query, key, value). A padding mask (see
 * {@link Masks}) on the key input (the value's when the key has none) masks those keys; the output carries the
 * query's mask. The scores go through the fused {@link Attention} op. No dropout on the attention probabilities.
 */
public class MultiHeadAttention extends Layer implements Masks.Consumer {

    private final int heads;
    private final int keyDim;
    private final boolean causal;
    private Tensor inProjWeight;
    private Tensor inProjBias;
    private Tensor outProjWeight;
    private Tensor outProjBias;

    public MultiHeadAttention(int heads, int keyDim) {
        this(null, heads, keyDim, false);
    }

    /** @param causal whether query i sees only keys 0..i (a decoder's self-attention) */
    public MultiHeadAttention(String name, int heads, int keyDim, boolean causal) {
        super(name);
        if (heads <= 0 || keyDim <= 0) {
            throw new IllegalArgumentException("MultiHeadAttention: heads and keyDim must be positive, got " + heads + " and " + keyDim);
        }
        this.heads = heads;
        this.keyDim = keyDim;
        this.causal = causal;
    }

    @Override
    protected void build(int[] inputShape) {
        if (inputShape.length != 3) throw shapeError("[batch, time, features]", inputShape);
        int d = inputShape[2], e = embedDim();
        inProjWeight = addWeight("in_proj_weight", new int[] {3 * e, d}, Initializers.glorotUniform(), true);
        inProjBias = addWeight("in_proj_bias", new int[] {3 * e}, Initializers.zeros(), true);
        outProjWeight = addWeight("out_proj_weight", new int[] {d, e}, TorchLinear.outInLayout(Initializers.pytorchDefault()), true);
        outProjBias = addWeight("out_proj_bias", new int[] {d}, Initializers.zeros(), true);
    }

    /** Self-attention without masks. */
    @Override
    protected Tensor forward(Tensor x) {
        return attend(x, x, x, null);
    }

    /** Self-attention on one input, query and key = value on two, query, key and value on three. */
    @Override
    public Tensor apply(Tensor... inputs) {
        checkCount(inputs.length);
        if (!isBuilt()) buildFor(inputs[0].shape());
        return attend(inputs[0], inputs[inputs.length > 1 ? 1 : 0], inputs[inputs.length - 1], null);
    }

    @Override
    public Tensor applyMasked(Tensor[] inputs, Tensor[] masks) {
        checkCount(inputs.length);
        if (!isBuilt()) buildFor(inputs[0].shape());
        int key = inputs.length > 1 ? 1 : 0;
        Tensor keyMask = masks[key] != null ? masks[key] : masks[inputs.length - 1];
        return attend(inputs[0], inputs[key], inputs[inputs.length - 1], keyMask);
    }

    /** The query's mask: each output step is the query step's. */
    @Override
    public Tensor outputMask(Tensor[] masks) {
        return masks[0];
    }

    @Override
    public int[] outputShape(List<int[]> inputShapes) {
        checkCount(inputShapes.size());
        int[] q = inputShapes.get(0), k = inputShapes.get(inputShapes.size() > 1 ? 1 : 0), v = inputShapes.get(inputShapes.size() - 1);
        checkShapes(q, k, v);
        if (!isBuilt()) buildFor(q);
        return q.clone();
    }

    private void checkCount(int count) {
        if (count < 1 || count > 3) {
            throw new IllegalArgumentException(name() + " takes 1 (self-attention), 2 (query, key = value) or 3 (query, key, value) inputs, got " + count);
        }
    }

    private void checkShapes(int[] q, int[] k, int[] v) {
        boolean ok = q.length == 3 && k.length == 3 && v.length == 3 && k[0] == q[0] && v[0] == q[0] && v[1] == k[1]
                && k[2] == q[2] && v[2] == q[2] && (inProjWeight == null || q[2] == inProjWeight.dim(1));
        if (!ok) {
            String features = inProjWeight == null ? "features" : String.valueOf(inProjWeight.dim(1));
            throw new IllegalArgumentException(name() + " expects query [batch, Tq, " + features + "], key and value [batch, Tk, "
                    + features + "], got " + Shape.str(q) + ", " + Shape.str(k) + ", " + Shape.str(v));
        }
    }

    /** Projects (one GEMM for what one input feeds), attends with the fused op, projects back. */
    private Tensor attend(Tensor query, Tensor key, Tensor value, Tensor keyMask) {
        checkShapes(query.shape(), key.shape(), value.shape());
        if (keyMask != null && !java.util.Arrays.equals(keyMask.shape(), new int[] {key.dim(0), key.dim(1)})) {
            throw new IllegalArgumentException(name() + ": the key mask must be [batch, Tk] = [" + key.dim(0) + ", " + key.dim(1)
                    + "], got " + Shape.str(keyMask.shape()));
        }
        int e = embedDim();
        Tensor o;
        if (query == key && key == value) {
            Tensor qkv = TorchLinear.apply(query, inProjWeight, inProjBias);
            o = Attention.multiHead(qkv, 0, qkv, e, qkv, 2 * e, heads, keyDim, keyMask, causal);
        } else {
            Tensor q = TorchLinear.apply(query, inProjWeight, inProjBias, 0, e);
            if (key == value) {
                Tensor kv = TorchLinear.apply(key, inProjWeight, inProjBias, e, 2 * e);
                o = Attention.multiHead(q, 0, kv, 0, kv, e, heads, keyDim, keyMask, causal);
            } else {
                Tensor k = TorchLinear.apply(key, inProjWeight, inProjBias, e, e);
                Tensor v = TorchLinear.apply(value, inProjWeight, inProjBias, 2 * e, e);
                o = Attention.multiHead(q, 0, k, 0, v, 0, heads, keyDim, keyMask, causal);
            }
        }
        return TorchLinear.apply(o, outProjWeight, outProjBias);
    }

    public int heads() {
        return heads;
    }

    public int keyDim() {
        return keyDim;
    }

    /** E = heads * keyDim, the width of the projected queries, keys and values. */
    public int embedDim() {
        return heads * keyDim;
    }

    public boolean causal() {
        return causal;
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = super.config();
        c.put("heads", heads);
        c.put("key_dim", keyDim);
        c.put("causal", causal);
        return c;
    }
}
