package dev.nabla.nn;

import dev.nabla.tensor.Tensor;

/**
 * The fixed position encoding of Vaswani et al. (2017), added to a [batch, time, dim] input:
 * {@code PE[t, 2i] = sin(t / 10000^(2i/dim))}, {@code PE[t, 2i+1] = cos(t / 10000^(2i/dim))}. No weights, any length.
 *
 * <pre>{@code
 * Tensor y = new SinusoidalPositionalEmbedding().apply(Tensor.zeros(2, 10, 8));  // y[0, t] = PE[t]
 * }</pre>
 */
public class SinusoidalPositionalEmbedding extends Layer {

    public SinusoidalPositionalEmbedding() {
        this(null);
    }

    public SinusoidalPositionalEmbedding(String name) {
        super(name);
    }

    /** Each step gets its own row, so a padding mask passes through (see {@link Masks}). */
    @Override
    public boolean propagatesMask() {
        return true;
    }

    @Override
    protected Tensor forward(Tensor x) {
        if (x.rank() != 3) throw shapeError("[batch, time, dim]", x.shape());
        return x.add(table(x.dim(1), x.dim(2)));
    }

    /** The [time, dim] table, computed in double precision. */
    public static Tensor table(int time, int dim) {
        float[] pe = new float[time * dim];
        for (int t = 0; t < time; t++) {
            for (int j = 0; j < dim; j++) {
                double angle = t / Math.pow(10000, (j - j % 2) / (double) dim);
                pe[t * dim + j] = (float) (j % 2 == 0 ? Math.sin(angle) : Math.cos(angle));
            }
        }
        return Tensor.of(pe, time, dim);
    }
}
