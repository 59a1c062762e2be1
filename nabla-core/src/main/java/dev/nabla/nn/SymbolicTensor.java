package dev.nabla.nn;

import dev.nabla.tensor.Shape;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A tensor of a graph being built, before any data flows: its name, its shape without the batch axis, and the
 * layer call that produces it (none for an {@link Input}). Made by {@link Input#of} and {@link Layer#call};
 * {@code Model.of(inputs, outputs)} turns them into a model. Immutable.
 *
 * <pre>{@code
 * SymbolicTensor x = Input.of("x", 4);                       // x [None, 4]
 * SymbolicTensor h = Dense.of(8, Activation.RELU).call(x);   // dense [None, 8], made by dense from x
 * }</pre>
 */
public final class SymbolicTensor {

    private final String name;
    private final int[] shape;
    private final Layer layer;
    private final List<SymbolicTensor> inputs;

    SymbolicTensor(String name, int[] shape, Layer layer, List<SymbolicTensor> inputs) {
        this.name = name;
        this.shape = shape.clone();
        this.layer = layer;
        this.inputs = List.copyOf(inputs);
    }

    /** The input's name, or for a layer call the layer's name ("dense"), with ":k" for its k-th later call ("dense:1"). */
    public String name() {
        return name;
    }

    /** The shape of one sample (no batch axis). */
    public int[] shape() {
        return shape.clone();
    }

    /** The shape with a batch axis of {@code batch} in front. */
    public int[] shapeWithBatch(int batch) {
        int[] s = new int[shape.length + 1];
        s[0] = batch;
        System.arraycopy(shape, 0, s, 1, shape.length);
        return s;
    }

    /** Whether this is a model input (made by {@link Input#of}, produced by no layer). */
    public boolean isInput() {
        return layer == null;
    }

    /** The layer whose call produced this tensor; null for an input. */
    public Layer layer() {
        return layer;
    }

    /** The tensors the layer was called on (empty for an input). */
    public List<SymbolicTensor> inputs() {
        return inputs;
    }

    /** The shape as a summary shows it: {@code [None, 4]}. */
    public String shapeString() {
        return "[None" + (shape.length == 0 ? "" : ", " + Arrays.toString(shape).substring(1));
    }

    @Override
    public String toString() {
        return name + " " + shapeString();
    }

    /** "x [None, 4], dense [None, 8]" for error messages. */
    static String describe(List<SymbolicTensor> tensors) {
        List<String> parts = new ArrayList<>();
        for (SymbolicTensor t : tensors) parts.add(t.toString());
        return String.join(", ", parts);
    }

    /** "[1, 4] and [1, 5]" for error messages. */
    static String shapes(List<int[]> shapes) {
        List<String> parts = new ArrayList<>();
        for (int[] s : shapes) parts.add(Shape.str(s));
        return String.join(" and ", parts);
    }
}
