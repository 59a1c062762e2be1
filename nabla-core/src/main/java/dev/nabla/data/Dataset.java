package dev.nabla.data;

import dev.nabla.kernels.Parallel;
import dev.nabla.kernels.RecycledArrays;
import dev.nabla.tensor.Shape;
import dev.nabla.tensor.Tensor;

import java.util.List;
import java.util.function.IntFunction;

/**
 * Features {@code x} ({@code [n, ...]}) and targets {@code y} ({@code [n]} class indices, {@code [n, k]} one-hot or
 * regression values), with the class names when the targets are classes (else null).
 *
 * <pre>{@code
 * Dataset iris = Datasets.iris();
 * Dataset[] parts = Split.trainTest(iris, 0.2, 42, true);
 * }</pre>
 */
public record Dataset(Tensor x, Tensor y, List<String> classNames) {

    /** Floats per thread below which {@link #rows} copies on one thread. */
    private static final int PARALLEL_FLOATS = 32 * 1024;

    public Dataset {
        if (x.rank() == 0 || y.rank() == 0 || x.dim(0) != y.dim(0)) {
            throw new IllegalArgumentException("Dataset: features " + Shape.str(x.shape()) + " and targets " + Shape.str(y.shape())
                    + " must have the same number of rows");
        }
        classNames = classNames == null ? null : List.copyOf(classNames);
    }

    public Dataset(Tensor x, Tensor y) {
        this(x, y, null);
    }

    public int size() {
        return x.dim(0);
    }

    /** Number of classes (from the names, else 1 + the largest target for [n] integer targets); 0 for regression. */
    public int classes() {
        if (classNames != null) return classNames.size();
        return 0;
    }

    /** The rows at {@code indices}, in that order (bulk copies). */
    public Dataset subset(int[] indices) {
        return new Dataset(rows(x, indices), rows(y, indices), classNames);
    }

    /** Rows {@code indices} of a [n, ...] tensor. */
    public static Tensor rows(Tensor t, int[] indices) {
        return rows(t, indices, float[]::new);
    }

    /** As {@link #rows(Tensor, int[])}, into an array from {@link RecycledArrays} (all of it written). */
    static Tensor recycledRows(Tensor t, int[] indices) {
        return rows(t, indices, RecycledArrays::take);
    }

    private static Tensor rows(Tensor t, int[] indices, IntFunction<float[]> arrays) {
        int n = t.dim(0);
        int row = n == 0 ? 0 : t.size() / n;
        float[] src = t.data(), out = arrays.apply(indices.length * row);
        for (int r : indices) {
            if (r < 0 || r >= n) throw new IllegalArgumentException("Dataset.subset: row " + r + " out of range [0, " + n + ")");
        }
        // Rows scattered over a large dataset are memory-bound reads: two threads gather a W4 batch in half the time.
        Parallel.forRange(indices.length, Math.max(1, PARALLEL_FLOATS / Math.max(1, row)), (from, to) -> {
            for (int i = from; i < to; i++) System.arraycopy(src, indices[i] * row, out, i * row, row);
        });
        int[] shape = t.shape();
        shape[0] = indices.length;
        return Tensor.of(out, shape);
    }

    /**
     * Batches of {@code batchSize} rows (-1: the whole dataset), reshuffled every epoch from (seed, epoch) when
     * {@code shuffle}, so that a resumed run sees the same orders; the last batch may be smaller.
     */
    public BatchSource batches(int batchSize, boolean shuffle, long seed) {
        if (batchSize <= 0 && batchSize != -1) throw new IllegalArgumentException("Dataset.batches: batch size must be positive or -1, got " + batchSize);
        return Batches.ofRecycledRows(size(), batchSize, shuffle, seed, rows -> new Batch(recycledRows(x, rows), recycledRows(y, rows)));
    }

    /** The same rows with new features (e.g. after scaling). */
    public Dataset withX(Tensor newX) {
        return new Dataset(newX, y, classNames);
    }
}
