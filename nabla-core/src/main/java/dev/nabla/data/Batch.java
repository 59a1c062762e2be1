package dev.nabla.data;

import dev.nabla.tensor.Shape;
import dev.nabla.tensor.Tensor;

import java.util.List;

/**
 * One batch of features and targets: one tensor of each (the common case, {@link #x()} and {@link #y()}), or
 * several for a model with several inputs or outputs ({@link #xs()} and {@link #ys()}, in the model's input and
 * output order), all with the same rows.
 */
public final class Batch {

    private final Tensor x;
    private final Tensor y;
    /** Null when there is one features tensor (kept so, the one-tensor path makes no lists). */
    private final List<Tensor> xs;
    /** Null when there is one targets tensor. */
    private final List<Tensor> ys;
    /** Each row's weight in the loss, or null (all weigh the same). */
    private final Tensor sampleWeights;

    public Batch(Tensor x, Tensor y) {
        this(x, y, null);
    }

    /** One features and one targets tensor with each row's weight in the loss ([rows]; null: unweighted). */
    public Batch(Tensor x, Tensor y, Tensor sampleWeights) {
        this.x = x;
        this.y = y;
        this.xs = null;
        this.ys = null;
        this.sampleWeights = sampleWeights;
    }

    /** Several features and/or targets tensors; each must have the same number of rows (first axis). */
    public Batch(List<Tensor> xs, List<Tensor> ys) {
        if (xs.isEmpty() || ys.isEmpty()) throw new IllegalArgumentException("Batch: needs at least one features and one targets tensor");
        int n = rows(xs.get(0));
        for (List<Tensor> part : List.of(xs, ys)) {
            for (int i = 0; i < part.size(); i++) {
                if (rows(part.get(i)) != n) {
                    throw new IllegalArgumentException("Batch: " + (part == xs ? "features" : "targets") + "[" + i + "] " + Shape.str(part.get(i).shape())
                            + " has " + rows(part.get(i)) + " rows but features[0] has " + n);
                }
            }
        }
        this.x = xs.get(0);
        this.y = ys.get(0);
        this.xs = xs.size() == 1 ? null : List.copyOf(xs);
        this.ys = ys.size() == 1 ? null : List.copyOf(ys);
        this.sampleWeights = null;
    }

    private static int rows(Tensor t) {
        return t.rank() == 0 ? -1 : t.dim(0);
    }

    /** The features, when the batch has one features tensor. */
    public Tensor x() {
        if (xs != null) throw new IllegalStateException("Batch: there are " + xs.size() + " features tensors; read xs()");
        return x;
    }

    /** The targets, when the batch has one targets tensor. */
    public Tensor y() {
        if (ys != null) throw new IllegalStateException("Batch: there are " + ys.size() + " targets tensors; read ys()");
        return y;
    }

    /** Every features tensor, in input order. */
    public List<Tensor> xs() {
        return xs == null ? List.of(x) : xs;
    }

    /** Every targets tensor, in output order. */
    public List<Tensor> ys() {
        return ys == null ? List.of(y) : ys;
    }

    /** Each row's weight in the loss, or null when the rows weigh the same. */
    public Tensor sampleWeights() {
        return sampleWeights;
    }

    /** Whether there is one features and one targets tensor. */
    public boolean single() {
        return xs == null && ys == null;
    }

    public int size() {
        return x.dim(0);
    }
}
