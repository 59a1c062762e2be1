package dev.nabla.nn;

/** The mean of each pool x pool window. */
public class AvgPool2D extends Pool2D {

    public AvgPool2D(int pool, int stride) {
        this(null, pool, stride);
    }

    public AvgPool2D(String name, int pool, int stride) {
        super(name, pool, stride, false);
    }
}
