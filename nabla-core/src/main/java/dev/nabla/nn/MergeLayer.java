package dev.nabla.nn;

import dev.nabla.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * A layer that combines two or more tensors into one (as Keras's merge layers). A subclass says which input
 * shapes fit and what comes out ({@link #mergedShape}), and computes with existing tensor ops ({@link #merge}),
 * so autograd derives the backward pass:
 *
 * <pre>{@code
 * class Sum extends MergeLayer {
 *     Sum() { super(null); }
 *     protected int[] mergedShape(List<int[]> shapes) {
 *         for (int[] s : shapes) if (!Arrays.equals(s, shapes.get(0))) throw mergeError("inputs of one shape", shapes);
 *         return shapes.get(0);
 *     }
 *     protected Tensor merge(List<Tensor> inputs) {
 *         Tensor sum = inputs.get(0);
 *         for (Tensor t : inputs.subList(1, inputs.size())) sum = sum.add(t);
 *         return sum;
 *     }
 * }
 * Tensor sum = new Sum().apply(Tensor.ones(2, 3), Tensor.ones(2, 3));   // concrete tensors
 * SymbolicTensor left = Input.of("left", 3), right = Input.of("right", 3);
 * SymbolicTensor z = new Sum().call(left, right);                    // a node of a functional model
 * }</pre>
 *
 * Merge layers have no weights; {@link #inputShape()} is the first input's shape.
 */
public abstract class MergeLayer extends Layer {

    protected MergeLayer(String name) {
        super(name);
    }

    /**
     * The output's shape for these inputs' shapes (each batch axis first; there are at least two), or
     * {@link #mergeError} when they do not fit.
     */
    protected abstract int[] mergedShape(List<int[]> inputShapes);

    /** The computation on inputs whose shapes {@link #mergedShape} accepted. */
    protected abstract Tensor merge(List<Tensor> inputs);

    /** Checks the shapes, then merges: {@code new Add().apply(a, b)}. */
    @Override
    public final Tensor apply(Tensor... inputs) {
        List<int[]> shapes = new ArrayList<>();
        for (Tensor t : inputs) shapes.add(t.shape());
        outputShape(shapes);
        if (!isBuilt()) buildFor(shapes.get(0));
        return merge(List.of(inputs));
    }

    @Override
    public final int[] outputShape(List<int[]> inputShapes) {
        List<int[]> shapes = new ArrayList<>();
        for (int[] s : inputShapes) shapes.add(s.clone());
        if (shapes.size() < 2) throw mergeError("2 or more inputs", shapes);
        return mergedShape(shapes);
    }

    /** One input is one too few: refused naming the layer. */
    @Override
    public final int[] outputShape(int[] inputShape) {
        return outputShape(List.of(inputShape));
    }

    /** Reached by {@code apply(x)} with a single tensor, which a merge refuses. */
    @Override
    protected final Tensor forward(Tensor x) {
        return apply(new Tensor[] {x});
    }

    /** The merge shape error: {@code add expects inputs of one shape, got [1, 4] and [1, 5]}. */
    protected final IllegalArgumentException mergeError(String expected, List<int[]> got) {
        String shapes = got.isEmpty() ? "no inputs" : SymbolicTensor.shapes(got);
        return new IllegalArgumentException(name() + " expects " + expected + ", got " + shapes);
    }
}
