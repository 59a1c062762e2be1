package dev.nabla.nn;

import dev.nabla.tensor.Tensor;

/**
 * The element-wise minimum of two or more tensors of one shape, each element the smallest of the inputs':
 *
 * <pre>{@code
 * SymbolicTensor x = Input.of("x", 8);
 * SymbolicTensor y = new Minimum().call(Dense.of(4).call(x), Dense.of(4).call(x));
 * }</pre>
 *
 * The gradient goes to the input that holds the minimum; at a tie of two it is split evenly, as
 * {@code torch.minimum} does. More inputs fold left to right ({@code minimum(minimum(a, b), c)}, as Keras and chained
 * {@code torch.minimum}), so at a three-way tie a and b get a quarter each and c a half.
 */
public class Minimum extends ElementwiseMerge {

    public Minimum() {
        this(null);
    }

    public Minimum(String name) {
        super(name);
    }

    @Override
    protected Tensor combine(Tensor a, Tensor b) {
        return a.minimum(b);
    }
}
