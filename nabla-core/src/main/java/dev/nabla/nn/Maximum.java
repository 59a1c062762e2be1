package dev.nabla.nn;

import dev.nabla.tensor.Tensor;

/**
 * The element-wise maximum of two or more tensors of one shape, each element the largest of the inputs':
 *
 * <pre>{@code
 * SymbolicTensor x = Input.of("x", 8);
 * SymbolicTensor y = new Maximum().call(Dense.of(4).call(x), Dense.of(4).call(x));
 * }</pre>
 *
 * The gradient goes to the input that holds the maximum; at a tie of two it is split evenly, as
 * {@code torch.maximum} does. More inputs fold left to right ({@code maximum(maximum(a, b), c)}, as Keras and chained
 * {@code torch.maximum}), so at a three-way tie a and b get a quarter each and c a half.
 */
public class Maximum extends ElementwiseMerge {

    public Maximum() {
        this(null);
    }

    public Maximum(String name) {
        super(name);
    }

    @Override
    protected Tensor combine(Tensor a, Tensor b) {
        return a.maximum(b);
    }
}
