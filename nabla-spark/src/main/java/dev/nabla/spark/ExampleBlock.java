package dev.nabla.spark;

import dev.nabla.data.Batch;
import dev.nabla.tensor.Tensor;

import java.io.Serializable;
import java.util.Iterator;

/**
 * One partition's examples packed into two contiguous arrays, cached by Spark once, so that each step gathers its
 * rows with bulk copies instead of walking example objects.
 */
final class ExampleBlock implements Serializable {

    private final ExampleShape shape;
    private final int rows;
    private final float[] x;
    private final float[] y;

    private ExampleBlock(ExampleShape shape, int rows, float[] x, float[] y) {
        this.shape = shape;
        this.rows = rows;
        this.x = x;
        this.y = y;
    }

    /** Packs a partition's examples, checking each against the shape (the message names the partition and row). */
    static ExampleBlock pack(int partition, Iterator<Example> examples, ExampleShape shape) {
        int xRow = shape.featureSize(), yRow = shape.targetSize();
        float[] x = new float[1024 * xRow], y = new float[1024 * yRow];
        int n = 0;
        while (examples.hasNext()) {
            Example e = examples.next();
            if (e.features().length != xRow || e.target().length != yRow) {
                throw new IllegalArgumentException("nabla-spark: partition " + partition + ", example " + n + " has " + e.features().length
                        + " features and " + e.target().length + " target values; " + shape + " needs " + xRow + " and " + yRow);
            }
            if ((n + 1) * xRow > x.length) x = java.util.Arrays.copyOf(x, Math.max(x.length * 2, (n + 1) * xRow));
            if ((n + 1) * yRow > y.length) y = java.util.Arrays.copyOf(y, Math.max(y.length * 2, (n + 1) * yRow));
            System.arraycopy(e.features(), 0, x, n * xRow, xRow);
            System.arraycopy(e.target(), 0, y, n * yRow, yRow);
            n++;
        }
        return new ExampleBlock(shape, n, java.util.Arrays.copyOf(x, n * xRow), java.util.Arrays.copyOf(y, n * yRow));
    }

    int rows() {
        return rows;
    }

    /** The examples at {@code indices} (positions in this block), as one batch. */
    Batch batch(int[] indices, int from, int to) {
        int xRow = shape.featureSize(), yRow = shape.targetSize(), n = to - from;
        float[] bx = new float[n * xRow], by = new float[n * yRow];
        for (int i = 0; i < n; i++) {
            int r = indices[from + i];
            System.arraycopy(x, r * xRow, bx, i * xRow, xRow);
            System.arraycopy(y, r * yRow, by, i * yRow, yRow);
        }
        return new Batch(Tensor.of(bx, ExampleShape.batchShape(n, shape.features())), Tensor.of(by, ExampleShape.batchShape(n, shape.target())));
    }
}
