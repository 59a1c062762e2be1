package dev.nabla.train.metrics;

import dev.nabla.tensor.Shape;
import dev.nabla.tensor.Tensor;

/** Binary, categorical, sparse-categorical and top-k accuracy, counted over batches. */
final class Accuracy implements Metric {

    enum Kind { BINARY, CATEGORICAL, SPARSE }

    /** The placeholder {@link Metrics#accuracy()} returns until the model resolves it. */
    static final class Unresolved implements Metric {
        @Override
        public void reset() {}

        @Override
        public void update(Tensor yTrue, Tensor yPred) {
            throw new IllegalStateException("Metrics.accuracy() is resolved by Model.compile; outside a model use binaryAccuracy,"
                    + " categoricalAccuracy or sparseCategoricalAccuracy");
        }

        @Override
        public double result() {
            return Double.NaN;
        }

        @Override
        public String name() {
            return "accuracy";
        }
    }

    private final String name;
    private final Kind kind;
    private final double threshold;
    private final int k;
    private long correct;
    private long total;

    Accuracy(String name, Kind kind, double threshold, int k) {
        this.name = name;
        this.kind = kind;
        this.threshold = threshold;
        this.k = k;
    }

    @Override
    public void reset() {
        correct = 0;
        total = 0;
    }

    @Override
    public void update(Tensor yTrue, Tensor yPred) {
        float[] t = yTrue.data(), p = yPred.data();
        int n = Metrics.rows(yPred);
        if (kind == Kind.BINARY) {
            if (t.length != p.length) throw mismatch(yTrue, yPred);
            for (int i = 0; i < p.length; i++) if ((p[i] > threshold) == (t[i] > 0.5f)) correct++;
            total += p.length;
            return;
        }
        int classes = p.length / n;
        if (kind == Kind.CATEGORICAL ? t.length != p.length : t.length != n) throw mismatch(yTrue, yPred);
        for (int i = 0; i < n; i++) {
            int target = kind == Kind.SPARSE ? (int) t[i] : argmax(t, i * classes, classes);
            float targetScore = p[i * classes + target];
            int better = 0; // classes scored above the target (ties count for the target, as argmax's first index would not)
            for (int j = 0; j < classes; j++) {
                float s = p[i * classes + j];
                if (s > targetScore || (s == targetScore && j < target)) better++;
            }
            if (better < k) correct++;
        }
        total += n;
    }

    private static int argmax(float[] a, int off, int len) {
        int best = 0;
        for (int j = 1; j < len; j++) if (a[off + j] > a[off + best]) best = j;
        return best;
    }

    private IllegalArgumentException mismatch(Tensor t, Tensor p) {
        return new IllegalArgumentException(name + ": targets " + Shape.str(t.shape()) + " do not fit predictions " + Shape.str(p.shape()));
    }

    @Override
    public double result() {
        return total == 0 ? Double.NaN : (double) correct / total;
    }

    @Override
    public String name() {
        return name;
    }
}
