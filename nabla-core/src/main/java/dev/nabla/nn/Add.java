package dev.nabla.nn;

import dev.nabla.tensor.Tensor;

import java.util.Arrays;
import java.util.List;

/**
 * The element-wise sum of two or more tensors of one shape (a residual connection):
 *
 * <pre>{@code
 * SymbolicTensor in = Input.of("in", 4);
 * SymbolicTensor out = new Add().call(in, Dense.of(4).call(in));
 * }</pre>
 */
public class Add extends MergeLayer {

    public Add() {
        this(null);
    }

    public Add(String name) {
        super(name);
    }

    @Override
    protected int[] mergedShape(List<int[]> inputShapes) {
        for (int[] s : inputShapes) {
            if (!Arrays.equals(s, inputShapes.get(0))) throw mergeError("inputs of one shape", inputShapes);
        }
        return inputShapes.get(0);
    }

    @Override
    protected Tensor merge(List<Tensor> inputs) {
        Tensor sum = inputs.get(0);
        for (int i = 1; i < inputs.size(); i++) sum = sum.add(inputs.get(i));
        return sum;
    }
}
