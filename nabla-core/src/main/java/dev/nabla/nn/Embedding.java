package dev.nabla.nn;

import dev.nabla.autograd.Autograd;
import dev.nabla.kernels.Parallel;
import dev.nabla.tensor.Shape;
import dev.nabla.tensor.Tensor;

import java.util.Arrays;
import java.util.Map;

/**
 * A lookup table of {@code vocab} vectors of {@code dim} numbers: token ids of any shape [batch, ...] give their rows,
 * [batch, ..., dim]. The table is the weight {@code <layer>/embeddings} of shape [vocab, dim] (Keras's name,
 * PyTorch's {@code nn.Embedding.weight} layout, so PyTorch tables load as they are), initialised N(0, 1) as PyTorch.
 *
 * <p>Token ids are float32 tensors holding whole numbers; a float32 holds every integer up to 2^24 = 16,777,216
 * exactly, so the vocabulary is at most that large. An id that is not a whole number in [0, vocab) is refused,
 * naming the layer, its position and its value.
 *
 * <p>With a padding index (PyTorch's {@code padding_idx}), that row starts at zero and never receives a gradient,
 * and for [batch, time] ids the layer makes a padding mask (0 where the id is the padding index, see
 * {@link Masks}) for the recurrent, attention and pooling layers after it.
 *
 * <pre>{@code
 * Embedding words = Embedding.of(10_000, 64).paddingIndex(0);
 * Tensor vectors = words.apply(Tensor.of(new float[] {5, 17, 0, 0}, 1, 4));   // [1, 4, 64]
 * }</pre>
 */
public class Embedding extends Layer implements Masks.Source {

    /** The largest vocabulary whose ids all stay exact in float32: 2^24. */
    public static final int MAX_VOCAB = 1 << 24;

    private static final String RULE = "the gradient of each output row is added to the table row its id picked"
            + " (rows picked several times sum them; the padding row gets none)";

    private final int vocab;
    private final int dim;
    private final Initializer initializer;
    private int paddingIndex;
    private Tensor embeddings;

    /** A table of {@code vocab} rows of {@code dim}, without a padding index, initialised N(0, 1). */
    public static Embedding of(int vocab, int dim) {
        return new Embedding(null, vocab, dim, -1, Initializers.normal(0, 1));
    }

    /**
     * @param paddingIndex the id whose row stays zero and untrained and marks padding, or -1 for none
     */
    public Embedding(String name, int vocab, int dim, int paddingIndex, Initializer initializer) {
        super(name);
        if (vocab <= 0 || dim <= 0) throw new IllegalArgumentException(name() + ": vocabulary size and dimension must be positive, got " + vocab + ", " + dim);
        if (vocab > MAX_VOCAB) {
            throw new IllegalArgumentException(name() + ": vocabulary size " + vocab + " is above 2^24 = " + MAX_VOCAB
                    + ", the largest whose token ids stay exact in float32");
        }
        this.vocab = vocab;
        this.dim = dim;
        this.initializer = initializer;
        this.paddingIndex = checkedPaddingIndex(paddingIndex);
    }

    /** Sets the padding index (before the first input): its row starts at zero, gets no gradient and marks padding. */
    public Embedding paddingIndex(int index) {
        if (isBuilt()) throw new IllegalStateException(name() + ": set the padding index before the layer is built");
        paddingIndex = checkedPaddingIndex(index);
        return this;
    }

    private int checkedPaddingIndex(int index) {
        if (index < -1 || index >= vocab) {
            throw new IllegalArgumentException(name() + ": padding index " + index + " is not an id in [0, " + vocab + ") (or -1 for none)");
        }
        return index;
    }

    @Override
    protected void build(int[] inputShape) {
        if (inputShape.length < 1) throw shapeError("[batch, ...] of token ids", inputShape);
        embeddings = addWeight("embeddings", new int[] {vocab, dim}, initializer, true);
        if (paddingIndex >= 0) Arrays.fill(embeddings.data(), paddingIndex * dim, (paddingIndex + 1) * dim, 0f);
    }

    @Override
    protected Tensor forward(Tensor ids) {
        if (ids.rank() < 1) throw shapeError("[batch, ...] of token ids", ids.shape());
        return lookup(embeddings, rows(ids), ids.shape(), paddingIndex);
    }

    /**
     * The differentiable lookup itself: row {@code rows[i]} of {@code table} [vocab, dim] for each position of ids
     * of {@code idShape}; the gradient is scattered back, and none goes to row {@code paddingIndex} (-1 for none).
     */
    static Tensor lookup(Tensor table, int[] rows, int[] idShape, int paddingIndex) {
        int vocab = table.dim(0), dim = table.dim(1);
        float[] values = table.data(), out = new float[rows.length * dim];
        Parallel.forRange(rows.length, 256, (from, to) -> {
            for (int i = from; i < to; i++) System.arraycopy(values, rows[i] * dim, out, i * dim, dim);
        });
        int[] shape = Arrays.copyOf(idShape, idShape.length + 1);
        shape[idShape.length] = dim;
        return Autograd.record("embedding", () -> RULE, Tensor.of(out, shape), (grad, need, leaves) -> {
            float[] g = grad.data();
            float[] into = leaves.of(0);
            float[] d = into != null ? into : new float[vocab * dim];
            // One thread: two positions with the same id add into the same row.
            for (int i = 0; i < rows.length; i++) {
                if (rows[i] == paddingIndex) continue;
                int src = i * dim, dst = rows[i] * dim;
                for (int j = 0; j < dim; j++) d[dst + j] += g[src + j];
            }
            return new Tensor[] {into != null ? null : Tensor.of(d, vocab, dim)};
        }, table);
    }

    /** Each id as a row index, after checking that it is a whole number in [0, vocab). */
    private int[] rows(Tensor ids) {
        float[] v = ids.data();
        int[] rows = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            float id = v[i];
            if (!(id >= 0 && id < vocab) || id != Math.rint(id)) {
                throw new IllegalArgumentException(name() + ": token id " + id + " at position " + Shape.position(i, ids.shape())
                        + " of input " + Shape.str(ids.shape()) + " is not a whole number in [0, " + vocab + ")");
            }
            rows[i] = (int) id;
        }
        return rows;
    }

    /** For [batch, time] ids with a padding index: 1 where the id is a real token, 0 where it is the padding index. */
    @Override
    public Tensor computeMask(Tensor ids) {
        if (paddingIndex < 0 || ids.rank() != 2) return null;
        float[] v = ids.data(), m = new float[v.length];
        for (int i = 0; i < v.length; i++) m[i] = v[i] == paddingIndex ? 0f : 1f;
        return Tensor.of(m, ids.shape());
    }

    public int vocabularySize() {
        return vocab;
    }

    public int dimension() {
        return dim;
    }

    /** The padding index, or -1 for none. */
    public int paddingIndex() {
        return paddingIndex;
    }

    /** The [vocab, dim] table (null before the layer is built). */
    public Tensor embeddings() {
        return embeddings;
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = super.config();
        c.put("input_dim", vocab);
        c.put("output_dim", dim);
        c.put("padding_index", paddingIndex);
        c.put("embeddings_initializer", initializer.config());
        return c;
    }
}
