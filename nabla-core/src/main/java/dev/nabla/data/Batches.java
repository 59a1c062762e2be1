package dev.nabla.data;

import dev.nabla.tensor.Tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * In-memory batch sources. Every epoch draws one row order (from the seed and the epoch when shuffling) and every
 * tensor is cut by it, so the rows of several inputs and targets stay aligned.
 *
 * <pre>{@code
 * Tensor images = Tensor.zeros(100, 784), brightness = Tensor.zeros(100, 1), classes = Tensor.zeros(100);
 * BatchSource s = Batches.of(List.of(images, brightness), List.of(classes), 32, true, 7);
 * model.fit(s, FitOptions.epochs(2));
 * }</pre>
 */
public final class Batches {

    private Batches() {}

    /**
     * Batches of {@code batchSize} rows (-1: all) of several features and targets tensors, which must have the same
     * number of rows; the last batch may be smaller.
     */
    public static BatchSource of(List<Tensor> xs, List<Tensor> ys, int batchSize, boolean shuffle, long seed) {
        new Batch(xs, ys); // checks the row counts once
        List<Tensor> x = List.copyOf(xs), y = List.copyOf(ys);
        return ofRows(x.get(0).dim(0), batchSize, shuffle, seed, (rows, arrays) -> new Batch(rows(x, rows, arrays), rows(y, rows, arrays)));
    }

    private static List<Tensor> rows(List<Tensor> tensors, int[] rows, IntFunction<float[]> arrays) {
        List<Tensor> out = new ArrayList<>(tensors.size());
        for (Tensor t : tensors) out.add(Dataset.rows(t, rows, arrays));
        return out;
    }

    /** Makes the batch of the given rows, its tensors' arrays taken from {@code arrays} (each one written whole). */
    @FunctionalInterface
    interface RowGather {
        Batch gather(int[] rows, IntFunction<float[]> arrays);
    }

    /**
     * Batches of {@code batchSize} rows (-1: all) out of {@code n}, in order or reshuffled every epoch from
     * (seed, epoch), so a resumed run sees the same orders; {@code gather} makes the batch of the given rows.
     */
    public static BatchSource ofRows(int n, int batchSize, boolean shuffle, long seed, Function<int[], Batch> gather) {
        return ofRows(n, batchSize, shuffle, seed, (RowGather) (rows, arrays) -> gather.apply(rows)); // asks for no array
    }

    /**
     * {@link #ofRows(int, int, boolean, long, Function)} with batches copied into arrays that {@link BatchIterator#done}
     * hands back: fit's next batch reuses them instead of a new, zeroed array (W4: a 400 KB batch gathered in
     * 27-41 us instead of 58-67 in a harness, on 2 threads; and 190 MB less garbage an epoch).
     */
    static BatchSource ofRows(int n, int batchSize, boolean shuffle, long seed, RowGather gather) {
        int b = batchSize == -1 ? n : batchSize;
        if (b <= 0) throw new IllegalArgumentException("batches: batch size must be positive or -1, got " + batchSize);
        return epoch -> new BatchIterator() {
            private final int[] order = shuffle ? EpochOrder.of(seed, epoch, n) : null;
            /** Arrays of batches the consumer is done with: at most one batch's, as each next() takes them back. */
            private final ArrayDeque<float[]> spare = new ArrayDeque<>();
            private int from;

            @Override
            public boolean hasNext() {
                return from < n;
            }

            @Override
            public Batch next() {
                if (!hasNext()) throw new NoSuchElementException();
                int to = Math.min(n, from + b);
                int[] rows = new int[to - from];
                for (int i = 0; i < rows.length; i++) rows[i] = order == null ? from + i : order[from + i];
                from = to;
                return gather.gather(rows, this::array);
            }

            private float[] array(int length) {
                for (Iterator<float[]> it = spare.iterator(); it.hasNext(); ) {
                    float[] a = it.next();
                    if (a.length == length) {
                        it.remove();
                        return a;
                    }
                }
                return new float[length];
            }

            @Override
            public void done(Batch batch) {
                spare.clear(); // a smaller last batch's arrays, or arrays no gather asked for, are not kept
                for (Tensor t : batch.xs()) spare.add(t.data());
                for (Tensor t : batch.ys()) spare.add(t.data());
            }

            @Override
            public void close() {
                spare.clear();
            }
        };
    }
}
