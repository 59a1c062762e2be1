package dev.nabla.nn;

import dev.nabla.tensor.Tensor;

import java.util.List;

/**
 * The element-wise mean of two or more tensors of one shape (an ensemble of heads):
 *
 * <pre>{@code
 * SymbolicTensor x = Input.of("x", 8);
 * SymbolicTensor mean = new Average().call(Dense.of(3).call(x), Dense.of(3).call(x));
 * }</pre>
 */
public class Average extends ElementwiseMerge {

    public Average() {
        this(null);
    }

    public Average(String name) {
        super(name);
    }

    @Override
    protected Tensor combine(Tensor a, Tensor b) {
        return a.add(b);
    }

    /** The sum, divided by the number of inputs. */
    @Override
    protected Tensor merge(List<Tensor> inputs) {
        return super.merge(inputs).div(inputs.size());
    }
}
