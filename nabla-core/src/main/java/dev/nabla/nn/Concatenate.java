package dev.nabla.nn;

import dev.nabla.tensor.Tensor;

import java.util.List;
import java.util.Map;

/**
 * Joins two or more tensors along one axis (counted with the batch axis first, negative from the end; the batch
 * axis itself cannot be joined); the other axes must agree:
 *
 * <pre>{@code
 * SymbolicTensor left = Input.of("left", 8), right = Input.of("right", 3);
 * SymbolicTensor both = new Concatenate().call(left, right);   // [None, 11]
 * }</pre>
 */
public class Concatenate extends MergeLayer {

    private final int axis;

    /** Joins along the last axis. */
    public Concatenate() {
        this(-1);
    }

    public Concatenate(int axis) {
        this(null, axis);
    }

    public Concatenate(String name, int axis) {
        super(name);
        if (axis == 0) throw new IllegalArgumentException(name() + ": axis 0 is the batch axis, which cannot be joined");
        this.axis = axis;
    }

    public int axis() {
        return axis;
    }

    @Override
    protected int[] mergedShape(List<int[]> inputShapes) {
        int rank = inputShapes.get(0).length;
        int a = axis < 0 ? axis + rank : axis;
        String expected = "inputs of one rank that agree outside axis " + axis;
        if (a < 1 || a >= rank) throw mergeError("inputs with an axis " + axis + " other than the batch axis", inputShapes);
        int[] out = inputShapes.get(0).clone();
        out[a] = 0;
        for (int[] s : inputShapes) {
            if (s.length != rank) throw mergeError(expected, inputShapes);
            for (int d = 0; d < rank; d++) {
                if (d != a && s[d] != out[d]) throw mergeError(expected, inputShapes);
            }
            out[a] += s[a];
        }
        return out;
    }

    @Override
    protected Tensor merge(List<Tensor> inputs) {
        return Tensor.concat(axis, inputs);
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = super.config();
        c.put("axis", axis);
        return c;
    }
}
