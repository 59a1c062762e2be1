package dev.nabla.nn;

import dev.nabla.tensor.Tensor;

import java.util.Arrays;
import java.util.List;

/**
 * A merge of inputs of one shape, element by element, folded left to right ({@code ((a op b) op c) ...}). Unlike
 * the element-wise tensor ops, the inputs do not broadcast: Keras's merge layers take one shape, and a [b, 1]
 * silently spread over a [b, n] is more often a wiring mistake than an intent.
 */
public abstract class ElementwiseMerge extends MergeLayer {

    protected ElementwiseMerge(String name) {
        super(name);
    }

    /** Works on each step alone, so the inputs' padding masks, combined, pass through (see {@link Masks}). */
    @Override
    public boolean propagatesMask() {
        return true;
    }

    /** One step of the fold. */
    protected abstract Tensor combine(Tensor a, Tensor b);

    @Override
    protected int[] mergedShape(List<int[]> inputShapes) {
        for (int[] s : inputShapes) {
            if (!Arrays.equals(s, inputShapes.get(0))) throw mergeError("inputs of one shape", inputShapes);
        }
        return inputShapes.get(0);
    }

    @Override
    protected Tensor merge(List<Tensor> inputs) {
        Tensor y = inputs.get(0);
        for (int i = 1; i < inputs.size(); i++) y = combine(y, inputs.get(i));
        return y;
    }
}
