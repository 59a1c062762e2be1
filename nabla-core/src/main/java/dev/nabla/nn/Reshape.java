package dev.nabla.nn;

import dev.nabla.tensor.Shape;
import dev.nabla.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reshapes each sample (the batch axis is kept): {@code new Reshape(1, 28, 28)} turns [n, 784] into [n, 1, 28, 28]. */
public class Reshape extends Layer {

    private final int[] target;

    public Reshape(int... targetShape) {
        this(null, targetShape);
    }

    public Reshape(String name, int... targetShape) {
        super(name);
        this.target = targetShape.clone();
    }

    @Override
    protected Tensor forward(Tensor x) {
        int per = x.size() / Math.max(1, x.dim(0));
        if (Shape.size(target) != per) throw shapeError("[batch, " + per + " values] reshaped to " + Shape.str(target) + " per sample", x.shape());
        int[] s = new int[target.length + 1];
        s[0] = x.dim(0);
        System.arraycopy(target, 0, s, 1, target.length);
        return x.reshape(s);
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = super.config();
        List<Integer> t = new ArrayList<>();
        for (int v : target) t.add(v);
        c.put("target_shape", t);
        return c;
    }
}
