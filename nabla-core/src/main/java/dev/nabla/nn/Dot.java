package dev.nabla.nn;

import dev.nabla.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The sample-by-sample dot product of two tensors along one axis of each (Keras's {@code Dot}); axes count the
 * batch axis as 0 and may be negative. The output keeps the first input's other axes, then the second's; a
 * product of two vectors is {@code [b, 1]}:
 *
 * <pre>{@code
 * SymbolicTensor u = Input.of("u", 16), v = Input.of("v", 16);
 * SymbolicTensor cosine = new Dot(1, true).call(u, v);            // [None, 1]
 * SymbolicTensor q = Input.of("q", 5, 8), k = Input.of("k", 7, 8);
 * SymbolicTensor scores = new Dot(2).call(q, k);                  // [None, 5, 7]: q[i] . k[j]
 * }</pre>
 *
 * With {@code normalize} each input is first divided by its L2 norm along its axis (at least 1e-6, the root of
 * Keras's epsilon 1e-12 on the squared norm), so the product is the cosine similarity.
 */
public class Dot extends MergeLayer {

    /** Keras's l2_normalize floor for the squared norm. */
    public static final float EPSILON = 1e-12f;

    private final int axis0, axis1;
    private final boolean normalize;

    /** Along axis {@code axes} of both inputs. */
    public Dot(int axes) {
        this(axes, false);
    }

    public Dot(int axes, boolean normalize) {
        this(null, axes, axes, normalize);
    }

    /** Along axis {@code axis0} of the first input and {@code axis1} of the second. */
    public Dot(String name, int axis0, int axis1, boolean normalize) {
        super(name);
        if (axis0 == 0 || axis1 == 0) throw new IllegalArgumentException(name() + ": axes " + axis0 + ", " + axis1 + " include the batch axis 0, which a dot product keeps");
        this.axis0 = axis0;
        this.axis1 = axis1;
        this.normalize = normalize;
    }

    /** The two axes, as given (maybe negative). */
    public int[] axes() {
        return new int[] {axis0, axis1};
    }

    public boolean normalize() {
        return normalize;
    }

    /** The axis of an input of this rank, counted from the front; -1 when it is out of range or the batch axis. */
    private static int resolve(int axis, int rank) {
        int a = axis < 0 ? axis + rank : axis;
        return a >= 1 && a < rank ? a : -1;
    }

    /** The axes resolved for these two shapes (batch included), counted from the front; the shape error otherwise. */
    public int[] resolvedAxes(List<int[]> shapes) {
        if (shapes.size() != 2) throw mergeError("exactly 2 inputs", shapes);
        int[] x = shapes.get(0), y = shapes.get(1);
        int a = resolve(axis0, x.length), b = resolve(axis1, y.length);
        if (x.length < 2 || y.length < 2 || a < 0 || b < 0) {
            throw mergeError("inputs of rank 2 or more with axes " + axis0 + " and " + axis1 + " other than the batch axis", shapes);
        }
        if (x[0] != y[0] || x[a] != y[b]) throw mergeError("inputs of one batch size whose axes " + axis0 + " and " + axis1 + " have one size", shapes);
        return new int[] {a, b};
    }

    @Override
    protected int[] mergedShape(List<int[]> inputShapes) {
        int[] ab = resolvedAxes(inputShapes);
        List<Integer> out = new ArrayList<>(List.of(inputShapes.get(0)[0]));
        out.addAll(without(inputShapes.get(0), ab[0], 1));
        out.addAll(without(inputShapes.get(1), ab[1], 1));
        if (out.size() == 1) out.add(1); // two vectors give one number per sample
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The sizes of the axes from {@code from} on, except {@code axis}. */
    private static List<Integer> without(int[] shape, int axis, int from) {
        List<Integer> l = new ArrayList<>();
        for (int d = from; d < shape.length; d++) if (d != axis) l.add(shape[d]);
        return l;
    }

    /**
     * A batched matrix product: the first input with its axis moved last and its other non-batch axes flattened
     * ([b, m, k]), times the second with its axis moved to position 1 ([b, k, n]); then the other axes unflattened.
     */
    @Override
    protected Tensor merge(List<Tensor> inputs) {
        int[] x = inputs.get(0).shape(), y = inputs.get(1).shape();
        int[] ab = resolvedAxes(List.of(x, y));
        Tensor left = normalized(inputs.get(0), ab[0]), right = normalized(inputs.get(1), ab[1]);
        int b = x[0], k = x[ab[0]];
        Tensor lhs = left.permute(moveAxis(x.length, ab[0], x.length - 1)).reshape(b, x.length == 2 ? 1 : -1, k);
        Tensor rhs = right.permute(moveAxis(y.length, ab[1], 1)).reshape(b, k, y.length == 2 ? 1 : -1);
        return lhs.matmul(rhs).reshape(mergedShape(List.of(x, y)));
    }

    /** The axis order that moves {@code axis} to position {@code to}, keeping the others in order. */
    public static int[] moveAxis(int rank, int axis, int to) {
        List<Integer> order = new ArrayList<>();
        for (int d = 0; d < rank; d++) if (d != axis) order.add(d);
        order.add(to, axis);
        return order.stream().mapToInt(Integer::intValue).toArray();
    }

    private Tensor normalized(Tensor t, int axis) {
        if (!normalize) return t;
        Tensor squared = t.square().sum(new int[] {axis}, true);
        return t.div(squared.maximum(Tensor.scalar(EPSILON)).sqrt());
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = super.config();
        c.put("axes", Arrays.asList(axis0, axis1));
        c.put("normalize", normalize);
        return c;
    }
}
