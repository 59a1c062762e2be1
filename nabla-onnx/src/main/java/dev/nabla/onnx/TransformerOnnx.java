package dev.nabla.onnx;

import dev.nabla.nn.Activation;
import dev.nabla.nn.Layer;
import dev.nabla.nn.SinusoidalPositionalEmbedding;
import dev.nabla.nn.Weight;

import java.util.List;
import java.util.Map;

import static dev.nabla.onnx.OnnxGraph.Attribute;

/**
 * The ONNX form of the attention layers, decomposed into standard ops (opset 17 has no attention op): projections as
 * MatMul + Add with the transposed PyTorch-layout weights, heads by Reshape + Transpose, scores by MatMul and Mul,
 * the causal mask as an Add of a constant holding -1e30 above the diagonal, Softmax, MatMul, and back. Sequence
 * lengths are those of the exported model's inputs (they are fixed per model). A key-padding mask (an Embedding's,
 * routed by {@link OnnxExporter}) adds (mask - 1) * 1e30 to the scores, so a padded key's probability is exactly 0;
 * the probabilities are then multiplied by the mask too, so that a query with every key masked attends to nothing,
 * as in Nabla's {@link dev.nabla.nn.Attention}, instead of evenly to the masked keys.
 */
final class TransformerOnnx {

    /** What masked scores get: exp(-1e30 - max) is exactly 0, as the skipped scores of the fused op. */
    private static final float MASKED = -1e30f;

    private TransformerOnnx() {}

    /**
     * MultiHeadAttention on 1 (self), 2 (query, key = value) or 3 (query, key, value) inputs; {@code masks} (null, or
     * null entries, for none) are the inputs' padding masks: the key's masks the keys, else the value's, as in Nabla.
     */
    static String multiHeadAttention(OnnxGraph g, Layer layer, List<String> xs, List<int[]> shapes, List<String> masks) {
        Map<String, Object> c = layer.config();
        int k = xs.size() > 1 ? 1 : 0, v = xs.size() - 1;
        String keyMask = masks == null ? null : masks.get(k) != null ? masks.get(k) : masks.get(v);
        return attention(g, layer, layer.name(), number(c, "heads"), number(c, "key_dim"), Boolean.TRUE.equals(c.get("causal")),
                xs.get(0), xs.get(k), xs.get(v), shapes.get(0)[1], shapes.get(k)[1], keyMask);
    }

    /** An encoder layer; {@code mask} (or null) masks x's padded steps as keys of the self-attention. */
    static String encoder(OnnxGraph g, Layer layer, String x, int[] shape, String mask) {
        Map<String, Object> c = layer.config();
        int heads = number(c, "heads"), d = number(c, "d_model"), t = shape[1];
        String name = layer.name();
        Block b = new Block(g, layer, c);
        String h = b.residual("norm1", x, in -> attention(g, layer, name + "/self_attn", heads, d / heads, false, in, in, in, t, t, mask));
        return b.residual("norm2", h, b::feedForward);
    }

    /** A decoder layer on (x, memory); {@code masks} (null, or null entries, for none): x's for the self-attention, memory's for the cross-attention. */
    static String decoder(OnnxGraph g, Layer layer, List<String> xs, List<int[]> shapes, List<String> masks) {
        Map<String, Object> c = layer.config();
        int heads = number(c, "heads"), d = number(c, "d_model"), tq = shapes.get(0)[1], tk = shapes.get(1)[1];
        String name = layer.name(), memory = xs.get(1);
        String xMask = masks == null ? null : masks.get(0), memoryMask = masks == null ? null : masks.get(1);
        Block b = new Block(g, layer, c);
        String h = b.residual("norm1", xs.get(0), in -> attention(g, layer, name + "/self_attn", heads, d / heads, true, in, in, in, tq, tq, xMask));
        h = b.residual("norm2", h, in -> attention(g, layer, name + "/multihead_attn", heads, d / heads, false, in, memory, memory, tq, tk, memoryMask));
        return b.residual("norm3", h, b::feedForward);
    }

    /** x + the first T rows of the learned table (the whole table is written, so that it imports back whole). */
    static String positionalEmbedding(OnnxGraph g, Layer layer, String x, int[] shape) {
        Weight table = layer.weights().get(0);
        int t = shape[1];
        String rows = init(g, table);
        if (table.value().dim(0) != t) {
            String name = layer.name();
            rows = g.node("Slice", name, List.of(rows, g.int64s(g.fresh(name + "/starts"), new long[] {0}), g.int64s(g.fresh(name + "/ends"), new long[] {t}),
                    g.int64s(g.fresh(name + "/axes"), new long[] {0})));
        }
        return g.node("Add", layer.name(), List.of(x, rows));
    }

    static String sinusoidal(OnnxGraph g, Layer layer, String x, int[] shape) {
        var table = SinusoidalPositionalEmbedding.table(shape[1], shape[2]);
        return g.node("Add", layer.name(), List.of(x, g.floats(g.fresh(layer.name() + "/table"), table.data(), table.shape())));
    }

    /** The residual steps and feed-forward block of an encoder or decoder layer. */
    private static final class Block {
        final OnnxGraph g;
        final Layer layer;
        final String name;
        final boolean normFirst;
        final float epsilon;
        final Activation activation;

        Block(OnnxGraph g, Layer layer, Map<String, Object> c) {
            this.g = g;
            this.layer = layer;
            this.name = layer.name();
            this.normFirst = Boolean.TRUE.equals(c.get("norm_first"));
            this.epsilon = ((Number) c.get("epsilon")).floatValue();
            this.activation = "gelu".equals(c.get("activation")) ? Activation.GELU : Activation.RELU;
        }

        String residual(String norm, String x, java.util.function.UnaryOperator<String> f) {
            if (normFirst) return g.node("Add", name, List.of(x, f.apply(layerNorm(norm, x))));
            return layerNorm(norm, g.node("Add", name, List.of(x, f.apply(x))));
        }

        String layerNorm(String norm, String x) {
            return g.node("LayerNormalization", name, List.of(x, init(g, weight(layer, name + "/" + norm + "/gamma")),
                    init(g, weight(layer, name + "/" + norm + "/beta"))), Attribute.of("axis", -1L), Attribute.of("epsilon", epsilon));
        }

        String feedForward(String x) {
            Weight w1 = weight(layer, name + "/linear1/weight"), w2 = weight(layer, name + "/linear2/weight");
            String h = linear(g, name, x, w1, 0, w1.value().dim(0), weight(layer, name + "/linear1/bias"));
            h = OnnxExporter.activation(g, name, h, activation);
            return linear(g, name, h, w2, 0, w2.value().dim(0), weight(layer, name + "/linear2/bias"));
        }
    }

    /**
     * Attention with the weights {@code <prefix>/in_proj_weight} ... of {@code owner}: the projections, the heads as
     * [batch, heads, time, keyDim], softmax(q k^T / sqrt(keyDim) + causal mask + key mask) v, heads joined, output
     * projection. {@code keyMask} is [batch, Tk] of 1 (a real key) and 0 (padding), or null.
     */
    private static String attention(OnnxGraph g, Layer owner, String prefix, int heads, int keyDim, boolean causal,
                                    String query, String key, String value, int tq, int tk, String keyMask) {
        String name = prefix;
        int e = heads * keyDim;
        Weight w = weight(owner, prefix + "/in_proj_weight"), b = weight(owner, prefix + "/in_proj_bias");
        String q = heads(g, name, linear(g, name, query, w, 0, e, b), heads, keyDim, new long[] {0, 2, 1, 3});
        String kT = heads(g, name, linear(g, name, key, w, e, e, b), heads, keyDim, new long[] {0, 2, 3, 1});
        String v = heads(g, name, linear(g, name, value, w, 2 * e, e, b), heads, keyDim, new long[] {0, 2, 1, 3});
        String scores = g.node("Mul", name, List.of(g.node("MatMul", name, List.of(q, kT)), scalar(g, name, (float) (1 / Math.sqrt(keyDim)))));
        if (causal) {
            float[] mask = new float[tq * tk];
            for (int i = 0; i < tq; i++) for (int j = i + 1; j < tk; j++) mask[i * tk + j] = MASKED;
            scores = g.node("Add", name, List.of(scores, g.floats(g.fresh(name + "/causal_mask"), mask, new int[] {tq, tk})));
        }
        String keys = null; // [batch, 1, 1, Tk]: 1 for the keys every query may see
        if (keyMask != null) {
            keys = g.node("Unsqueeze", name, List.of(keyMask, g.int64s(g.fresh(name + "/axes"), new long[] {1, 2})));
            String bias = g.node("Mul", name, List.of(g.node("Sub", name, List.of(keys, scalar(g, name, 1f))), scalar(g, name, -MASKED)));
            scores = g.node("Add", name, List.of(scores, bias));
        }
        String p = g.node("Softmax", name, List.of(scores), Attribute.of("axis", -1L));
        // Zeroes the rows that had no key to see (their softmax spread evenly over masked keys); leaves the others.
        if (keys != null) p = g.node("Mul", name, List.of(p, causal ? g.node("Mul", name, List.of(keys, lowerTriangle(g, name, tq, tk))) : keys));
        String o = g.node("Transpose", name, List.of(g.node("MatMul", name, List.of(p, v))), Attribute.of("perm", new long[] {0, 2, 1, 3}));
        o = g.node("Reshape", name, List.of(o, g.int64s(g.fresh(name + "/shape"), new long[] {0, 0, e})));
        Weight wo = weight(owner, prefix + "/out_proj_weight");
        return linear(g, name, o, wo, 0, wo.value().dim(0), weight(owner, prefix + "/out_proj_bias"));
    }

    /** [tq, tk]: 1 where query i may see key j (j &lt;= i), else 0. */
    private static String lowerTriangle(OnnxGraph g, String name, int tq, int tk) {
        float[] keep = new float[tq * tk];
        for (int i = 0; i < tq; i++) for (int j = 0; j <= i && j < tk; j++) keep[i * tk + j] = 1;
        return g.floats(g.fresh(name + "/causal_keep"), keep, new int[] {tq, tk});
    }

    /** [batch, time, heads * keyDim] to [batch, heads, ...] in the order {@code perm} gives. */
    private static String heads(OnnxGraph g, String name, String x, int heads, int keyDim, long[] perm) {
        String split = g.node("Reshape", name, List.of(x, g.int64s(g.fresh(name + "/shape"), new long[] {0, 0, heads, keyDim})));
        return g.node("Transpose", name, List.of(split), Attribute.of("perm", perm));
    }

    /** x @ W[r0 : r0+rows]^T + b[r0 : r0+rows] for a PyTorch-layout weight [out, in]: MatMul with the transposed block, Add. */
    private static String linear(OnnxGraph g, String name, String x, Weight weight, int r0, int rows, Weight bias) {
        float[] w = weight.value().data();
        int in = weight.value().dim(1);
        float[] t = new float[in * rows];
        for (int r = 0; r < rows; r++) for (int j = 0; j < in; j++) t[j * rows + r] = w[(r0 + r) * in + j];
        boolean whole = rows == weight.value().dim(0);
        String suffix = whole ? "^T" : "[" + r0 + ":" + (r0 + rows) + "]^T";
        String y = g.node("MatMul", name, List.of(x, g.floats(weight.name() + suffix, t, new int[] {in, rows})));
        float[] b = java.util.Arrays.copyOfRange(bias.value().data(), r0, r0 + rows);
        return g.node("Add", name, List.of(y, g.floats(whole ? bias.name() : bias.name() + "[" + r0 + ":" + (r0 + rows) + "]", b, new int[] {rows})));
    }

    private static Weight weight(Layer owner, String name) {
        for (Weight w : owner.weights()) if (w.name().equals(name)) return w;
        throw new IllegalStateException("ONNX export: " + owner.name() + " has no weight " + name);
    }

    private static String init(OnnxGraph g, Weight w) {
        return g.floats(w.name(), w.value().data(), w.value().shape());
    }

    private static String scalar(OnnxGraph g, String name, float v) {
        return g.floats(g.fresh(name + "/const"), new float[] {v}, new int[0]);
    }

    private static int number(Map<String, Object> c, String key) {
        return ((Number) c.get(key)).intValue();
    }
}
