package dev.nabla.nn;

import dev.nabla.tensor.Tensor;

/**
 * The element-wise sum of two or more tensors of one shape (a residual connection):
 *
 * <pre>{@code
 * SymbolicTensor in = Input.of("in", 4);
 * SymbolicTensor out = new Add().call(in, Dense.of(4).call(in));
 * }</pre>
 */
public class Add extends ElementwiseMerge {

    public Add() {
        this(null);
    }

    public Add(String name) {
        super(name);
    }

    @Override
    protected Tensor combine(Tensor a, Tensor b) {
        return a.add(b);
    }
}
