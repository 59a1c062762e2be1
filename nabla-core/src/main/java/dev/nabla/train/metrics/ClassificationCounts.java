package dev.nabla.train.metrics;

import dev.nabla.tensor.Tensor;

/**
 * Precision, recall and F1 from true-positive / false-positive / false-negative counts. One output column (or [n]
 * predictions) is the binary case: predicted positive above 0.5, target positive at 1. Several columns are
 * classes: the prediction is the argmax, targets are class indices, and the score is the unweighted mean over the
 * classes seen (macro average, as scikit-learn's average='macro').
 */
final class ClassificationCounts implements Metric {

    enum Score { PRECISION, RECALL, F1 }

    private final Score score;
    private long[] tp = new long[0], fp = new long[0], fn = new long[0];
    private boolean binary;

    ClassificationCounts(Score score) {
        this.score = score;
    }

    @Override
    public void reset() {
        tp = new long[0];
        fp = new long[0];
        fn = new long[0];
    }

    private void grow(int classes) {
        if (tp.length >= classes) return;
        tp = java.util.Arrays.copyOf(tp, classes);
        fp = java.util.Arrays.copyOf(fp, classes);
        fn = java.util.Arrays.copyOf(fn, classes);
    }

    @Override
    public void update(Tensor yTrue, Tensor yPred) {
        float[] t = yTrue.data(), p = yPred.data();
        int n = Metrics.rows(yPred), cols = p.length / n;
        if (t.length != n) {
            throw new IllegalArgumentException(name() + ": expected one target per row (" + n + "), got " + t.length);
        }
        binary = cols == 1;
        grow(binary ? 2 : cols);
        for (int i = 0; i < n; i++) {
            int actual = (int) t[i], predicted;
            if (binary) {
                predicted = p[i] > 0.5f ? 1 : 0;
                actual = t[i] > 0.5f ? 1 : 0;
            } else {
                predicted = 0;
                for (int j = 1; j < cols; j++) if (p[i * cols + j] > p[i * cols + predicted]) predicted = j;
            }
            if (predicted == actual) {
                tp[actual]++;
            } else {
                fp[predicted]++;
                fn[actual]++;
            }
        }
    }

    @Override
    public double result() {
        if (binary) return of(1);
        double sum = 0;
        int classes = 0;
        for (int c = 0; c < tp.length; c++) {
            if (tp[c] + fp[c] + fn[c] == 0) continue;
            sum += of(c);
            classes++;
        }
        return classes == 0 ? Double.NaN : sum / classes;
    }

    private double of(int c) {
        if (c >= tp.length) return 0;
        double precision = tp[c] + fp[c] == 0 ? 0 : (double) tp[c] / (tp[c] + fp[c]);
        double recall = tp[c] + fn[c] == 0 ? 0 : (double) tp[c] / (tp[c] + fn[c]);
        switch (score) {
            case PRECISION: return precision;
            case RECALL: return recall;
            default: return precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        }
    }

    @Override
    public String name() {
        return score.name().toLowerCase(java.util.Locale.ROOT);
    }
}
