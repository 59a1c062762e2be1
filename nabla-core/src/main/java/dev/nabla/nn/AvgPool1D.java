package dev.nabla.nn;

/** The mean of each window of {@code pool} steps of [batch, channels, length]. */
public class AvgPool1D extends Pool1D {

    /** Windows of {@code pool} steps side by side (the stride is the pool size, as PyTorch's default). */
    public AvgPool1D(int pool) {
        this(null, pool, pool);
    }

    public AvgPool1D(int pool, int stride) {
        this(null, pool, stride);
    }

    public AvgPool1D(String name, int pool, int stride) {
        super(name, pool, stride, false);
    }
}
