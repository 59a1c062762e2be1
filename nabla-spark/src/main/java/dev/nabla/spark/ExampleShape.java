package dev.nabla.spark;

import dev.nabla.data.Dataset;

import java.io.Serializable;
import java.util.Arrays;

/**
 * The shape of one example's features and target, without the batch axis: {@code [784]} and {@code []} for
 * flattened images with class labels, {@code [1, 28, 28]} for a convolutional network's input, {@code [3]} for
 * one-hot targets.
 */
public record ExampleShape(int[] features, int[] target) implements Serializable {

    public ExampleShape {
        features = features.clone();
        target = target.clone();
    }

    /** The shapes of a local dataset's rows. */
    public static ExampleShape of(Dataset data) {
        int[] x = data.x().shape(), y = data.y().shape();
        return new ExampleShape(Arrays.copyOfRange(x, 1, x.length), Arrays.copyOfRange(y, 1, y.length));
    }

    public int featureSize() {
        return product(features);
    }

    public int targetSize() {
        return product(target);
    }

    /** The batch shape of {@code rows} examples for a per-example shape. */
    static int[] batchShape(int rows, int[] perExample) {
        int[] shape = new int[perExample.length + 1];
        shape[0] = rows;
        System.arraycopy(perExample, 0, shape, 1, perExample.length);
        return shape;
    }

    private static int product(int[] shape) {
        int p = 1;
        for (int d : shape) p *= d;
        return p;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ExampleShape s && Arrays.equals(features, s.features) && Arrays.equals(target, s.target);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(features) + Arrays.hashCode(target);
    }

    @Override
    public String toString() {
        return "ExampleShape[features=" + Arrays.toString(features) + ", target=" + Arrays.toString(target) + "]";
    }
}
