package dev.nabla.nn;

import dev.nabla.tensor.Tensor;

/**
 * The element-wise product of two or more tensors of one shape (a gate):
 *
 * <pre>{@code
 * SymbolicTensor x = Input.of("x", 8);
 * SymbolicTensor gated = new Multiply().call(x, Dense.of(8, Activation.SIGMOID).call(x));
 * }</pre>
 */
public class Multiply extends ElementwiseMerge {

    public Multiply() {
        this(null);
    }

    public Multiply(String name) {
        super(name);
    }

    @Override
    protected Tensor combine(Tensor a, Tensor b) {
        return a.mul(b);
    }
}
