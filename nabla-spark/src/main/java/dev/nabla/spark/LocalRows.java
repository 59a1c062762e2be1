package dev.nabla.spark;

import dev.nabla.data.Dataset;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * A driver-side dataset shipped once per executor as a broadcast, from which each partition cuts its contiguous
 * range of examples. (Parallelizing a list of examples instead would put the data in every task of every step.)
 */
record LocalRows(float[] x, float[] y, int rows, ExampleShape shape) implements Serializable {

    static LocalRows of(Dataset data) {
        return new LocalRows(data.x().data(), data.y().data(), data.size(), ExampleShape.of(data));
    }

    /** Partition {@code p} of {@code partitions}: the examples of its contiguous range, in order. */
    List<Example> slice(int p, int partitions) {
        int from = (int) ((long) p * rows / partitions), to = (int) ((long) (p + 1) * rows / partitions);
        int xRow = shape.featureSize(), yRow = shape.targetSize();
        List<Example> out = new ArrayList<>(to - from);
        for (int r = from; r < to; r++) {
            float[] f = new float[xRow], t = new float[yRow];
            System.arraycopy(x, r * xRow, f, 0, xRow);
            System.arraycopy(y, r * yRow, t, 0, yRow);
            out.add(new Example(f, t));
        }
        return out;
    }

    /** Maps a partition number to that partition's examples; holds nothing but the broadcast. */
    static final class Slice implements FlatMapFunction<Integer, Example> {
        private final Broadcast<LocalRows> rows;
        private final int partitions;

        Slice(Broadcast<LocalRows> rows, int partitions) {
            this.rows = rows;
            this.partitions = partitions;
        }

        @Override
        public Iterator<Example> call(Integer partition) {
            return rows.value().slice(partition, partitions).iterator();
        }
    }
}
