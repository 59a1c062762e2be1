package dev.nabla.nn;

/** The largest value of each window of {@code pool} steps of [batch, channels, length]: {@code new MaxPool1D(2)} halves the length. */
public class MaxPool1D extends Pool1D {

    /** Windows of {@code pool} steps side by side (the stride is the pool size, as PyTorch's default). */
    public MaxPool1D(int pool) {
        this(null, pool, pool);
    }

    public MaxPool1D(int pool, int stride) {
        this(null, pool, stride);
    }

    public MaxPool1D(String name, int pool, int stride) {
        super(name, pool, stride, true);
    }
}
