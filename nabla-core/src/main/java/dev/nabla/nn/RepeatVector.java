package dev.nabla.nn;

import dev.nabla.tensor.Tensor;

import java.util.Map;

/**
 * Repeats each sample's feature vector n times, as Keras' RepeatVector: [batch, features] to [batch, n, features].
 * A broadcast, so the gradient of each feature is the sum over its n copies.
 */
public class RepeatVector extends Layer {

    private final int n;

    public RepeatVector(int n) {
        this(null, n);
    }

    public RepeatVector(String name, int n) {
        super(name);
        if (n <= 0) throw new IllegalArgumentException(name() + ": the repeat count must be positive, got " + n);
        this.n = n;
    }

    @Override
    protected Tensor forward(Tensor x) {
        int[] out = outputShape(x.shape());
        return x.unsqueeze(1).broadcastTo(out);
    }

    @Override
    public int[] outputShape(int[] inputShape) {
        if (inputShape.length != 2) throw shapeError("[batch, features]", inputShape);
        return new int[] {inputShape[0], n, inputShape[1]};
    }

    public int repeats() {
        return n;
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = super.config();
        c.put("n", n);
        return c;
    }
}
