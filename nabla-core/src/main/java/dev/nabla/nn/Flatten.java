package dev.nabla.nn;

import dev.nabla.tensor.Tensor;

/** Flattens every axis after the batch axis: [n, c, h, w] to [n, c * h * w]. */
public class Flatten extends Layer {

    public Flatten() {
        this(null);
    }

    public Flatten(String name) {
        super(name);
    }

    @Override
    protected Tensor forward(Tensor x) {
        if (x.rank() < 1) throw shapeError("[batch, ...]", x.shape());
        return x.rank() == 2 ? x : x.reshape(x.dim(0), x.size() / Math.max(1, x.dim(0)));
    }
}
