package dev.nabla.nn;

import dev.nabla.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Reorders the axes of each sample, as Keras' Permute: {@code dims} is a permutation of the non-batch axes numbered
 * from 1 (the batch axis is 0 and stays first). {@code new Permute(2, 1)} turns [n, a, b] into [n, b, a];
 * {@code new Permute(2, 3, 1)} turns NCHW [n, c, h, w] into NHWC [n, h, w, c]. The gradient is permuted back.
 */
public class Permute extends Layer {

    private final int[] dims;

    public Permute(int... dims) {
        this(null, dims);
    }

    public Permute(String name, int... dims) {
        super(name);
        this.dims = dims.clone();
        boolean[] seen = new boolean[dims.length + 1];
        for (int d : dims) {
            if (d < 1 || d > dims.length || seen[d]) {
                throw new IllegalArgumentException(name() + ": dims " + Arrays.toString(dims) + " are not a permutation of 1.."
                        + dims.length + " (axes after the batch axis, numbered from 1 as in Keras)");
            }
            seen[d] = true;
        }
    }

    @Override
    protected Tensor forward(Tensor x) {
        check(x.shape());
        int[] order = new int[dims.length + 1];
        System.arraycopy(dims, 0, order, 1, dims.length);
        return x.permute(order);
    }

    @Override
    public int[] outputShape(int[] inputShape) {
        check(inputShape);
        int[] out = new int[inputShape.length];
        out[0] = inputShape[0];
        for (int k = 0; k < dims.length; k++) out[k + 1] = inputShape[dims[k]];
        return out;
    }

    private void check(int[] shape) {
        if (shape.length != dims.length + 1) {
            StringBuilder layout = new StringBuilder("[batch");
            for (int k = 1; k <= dims.length; k++) layout.append(", d").append(k);
            throw shapeError(layout + "] (rank " + (dims.length + 1) + " for dims " + Arrays.toString(dims) + ")", shape);
        }
    }

    public int[] dims() {
        return dims.clone();
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = super.config();
        List<Integer> d = new ArrayList<>();
        for (int v : dims) d.add(v);
        c.put("dims", d);
        return c;
    }
}
