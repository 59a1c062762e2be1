package dev.nabla.nn;

import dev.nabla.tensor.Tensor;

import java.util.List;

/**
 * The element-wise difference of exactly two tensors of one shape, first minus second:
 *
 * <pre>{@code
 * SymbolicTensor a = Input.of("a", 4), b = Input.of("b", 4);
 * SymbolicTensor diff = new Subtract().call(a, b);   // a - b
 * }</pre>
 */
public class Subtract extends ElementwiseMerge {

    public Subtract() {
        this(null);
    }

    public Subtract(String name) {
        super(name);
    }

    @Override
    protected int[] mergedShape(List<int[]> inputShapes) {
        if (inputShapes.size() != 2) throw mergeError("exactly 2 inputs", inputShapes);
        return super.mergedShape(inputShapes);
    }

    @Override
    protected Tensor combine(Tensor a, Tensor b) {
        return a.sub(b);
    }
}
