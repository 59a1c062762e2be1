package dev.nabla.spark;

import dev.nabla.data.Dataset;

import java.io.Serializable;
import java.util.List;

/**
 * One training example as an RDD element: its features and its target, each flattened (row-major). Their shapes
 * travel once per fit in an {@link ExampleShape}, not with every example.
 */
public record Example(float[] features, float[] target) implements Serializable {

    public Example {
        if (features == null || target == null) throw new IllegalArgumentException("Example: features and target are required");
    }

    /**
     * The rows of a local dataset as examples, in order, e.g. for {@code sc.parallelize} of a small dataset. (A
     * parallelized list travels inside every task; {@link SparkTrainer#fit(dev.nabla.train.Model, Dataset,
     * dev.nabla.train.FitOptions)} broadcasts large local data instead.)
     */
    public static List<Example> of(Dataset data) {
        return LocalRows.of(data).slice(0, 1);
    }
}
