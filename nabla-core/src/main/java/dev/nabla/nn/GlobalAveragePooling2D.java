package dev.nabla.nn;

import dev.nabla.tensor.Tensor;

/** Averages each channel over height and width: [n, c, h, w] to [n, c]. */
public class GlobalAveragePooling2D extends Layer {

    public GlobalAveragePooling2D() {
        this(null);
    }

    public GlobalAveragePooling2D(String name) {
        super(name);
    }

    @Override
    protected Tensor forward(Tensor x) {
        requireRank(x, 4, "[batch, channels, height, width]");
        return x.mean(2, 3);
    }
}
