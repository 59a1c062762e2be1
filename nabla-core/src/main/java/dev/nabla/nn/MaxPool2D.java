package dev.nabla.nn;

/** The largest value of each pool x pool window: {@code new MaxPool2D(2, 2)} halves height and width. */
public class MaxPool2D extends Pool2D {

    public MaxPool2D(int pool, int stride) {
        this(null, pool, stride);
    }

    public MaxPool2D(String name, int pool, int stride) {
        super(name, pool, stride, true);
    }
}
