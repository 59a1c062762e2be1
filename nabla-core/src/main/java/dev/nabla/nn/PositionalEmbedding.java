package dev.nabla.nn;

import dev.nabla.tensor.Shape;
import dev.nabla.tensor.Tensor;

import java.util.Map;

/**
 * A learned position embedding: row t of {@code <name>/embeddings} [maxLength, dim] is added to step t of a
 * [batch, time, dim] input (time at most maxLength), as the position table of BERT or a vision Transformer.
 * Initialised N(0, 1), as PyTorch's {@code nn.Embedding} (or give an initialiser).
 *
 * <pre>{@code
 * PositionalEmbedding positions = new PositionalEmbedding(16, 64);
 * Tensor y = positions.apply(Tensor.zeros(8, 16, 64));   // [8, 16, 64]: each sample gets the 16 learned rows
 * }</pre>
 */
public class PositionalEmbedding extends Layer {

    private final int maxLength;
    private final int dim;
    private final Initializer initializer;
    private Tensor embeddings;

    public PositionalEmbedding(int maxLength, int dim) {
        this(null, maxLength, dim, Initializers.normal(0, 1));
    }

    public PositionalEmbedding(String name, int maxLength, int dim, Initializer initializer) {
        super(name);
        if (maxLength <= 0 || dim <= 0) {
            throw new IllegalArgumentException("PositionalEmbedding: maxLength and dim must be positive, got " + maxLength + " and " + dim);
        }
        this.maxLength = maxLength;
        this.dim = dim;
        this.initializer = initializer;
    }

    @Override
    protected void build(int[] inputShape) {
        embeddings = addWeight("embeddings", new int[] {maxLength, dim}, initializer, true);
    }

    /** Each step gets its own row, so a padding mask passes through (see {@link Masks}). */
    @Override
    public boolean propagatesMask() {
        return true;
    }

    @Override
    protected Tensor forward(Tensor x) {
        if (x.rank() != 3 || x.dim(2) != dim) throw shapeError("[batch, time, " + dim + "]", x.shape());
        int t = x.dim(1);
        if (t > maxLength) {
            throw new IllegalArgumentException(name() + ": a sequence of " + t + " steps is longer than maxLength " + maxLength
                    + " (input " + Shape.str(x.shape()) + ")");
        }
        return x.add(t == maxLength ? embeddings : embeddings.slice(0, 0, t));
    }

    public int maxLength() {
        return maxLength;
    }

    public int dim() {
        return dim;
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = super.config();
        c.put("max_length", maxLength);
        c.put("dim", dim);
        c.put("initializer", initializer.config());
        return c;
    }
}
