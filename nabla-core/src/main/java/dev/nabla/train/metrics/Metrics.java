package dev.nabla.train.metrics;

import dev.nabla.nn.Loss;
import dev.nabla.tensor.Tensor;

import java.util.Locale;

/**
 * The standard metrics. {@link #accuracy()} is resolved by {@code Model.compile} from the loss, as Keras does:
 * binary accuracy for binary cross-entropy (threshold 0.5 on probabilities, 0 on logits), categorical accuracy for
 * one-hot targets, sparse categorical accuracy for class indices.
 *
 * <pre>{@code
 * model.compile(Optimizers.adam(1e-3), Losses.sparseCategoricalCrossentropy(true), Metrics.accuracy(), Metrics.topKAccuracy(3));
 * }</pre>
 */
public final class Metrics {

    private Metrics() {}

    /** "accuracy", resolved from the loss when the model is compiled. */
    public static Metric accuracy() {
        return new Accuracy.Unresolved();
    }

    /** Replaces {@link #accuracy()} by the variant the loss calls for; other metrics pass through. */
    public static Metric resolve(Metric m, Loss loss) {
        if (!(m instanceof Accuracy.Unresolved)) return m;
        String name = loss.name();
        boolean logits = Boolean.TRUE.equals(loss.config().get("from_logits"));
        switch (name) {
            case "binary_crossentropy": return binaryAccuracy(logits ? 0 : 0.5);
            case "categorical_crossentropy": return categoricalAccuracy();
            case "sparse_categorical_crossentropy": return sparseCategoricalAccuracy();
            default:
                throw new IllegalArgumentException("accuracy: cannot tell which accuracy the loss '" + name
                        + "' calls for; pass binaryAccuracy, categoricalAccuracy or sparseCategoricalAccuracy");
        }
    }

    /** Fraction of predictions on the right side of {@code threshold}, targets 0 / 1. */
    public static Metric binaryAccuracy(double threshold) {
        return new Accuracy("accuracy", Accuracy.Kind.BINARY, threshold, 1);
    }

    /** Fraction of rows whose largest prediction is at the one-hot target's 1. */
    public static Metric categoricalAccuracy() {
        return new Accuracy("accuracy", Accuracy.Kind.CATEGORICAL, 0, 1);
    }

    /** Fraction of rows whose largest prediction is at the target class index. */
    public static Metric sparseCategoricalAccuracy() {
        return new Accuracy("accuracy", Accuracy.Kind.SPARSE, 0, 1);
    }

    /** Fraction of rows whose target class index is among the k largest predictions. */
    public static Metric topKAccuracy(int k) {
        if (k < 1) throw new IllegalArgumentException("topKAccuracy: k must be at least 1, got " + k);
        return new Accuracy("top_" + k + "_accuracy", Accuracy.Kind.SPARSE, 0, k);
    }

    /** Precision: binary (predictions thresholded at 0.5, targets 0/1) or, for [n, classes] predictions, macro-averaged over classes. */
    public static Metric precision() {
        return new ClassificationCounts(ClassificationCounts.Score.PRECISION);
    }

    public static Metric recall() {
        return new ClassificationCounts(ClassificationCounts.Score.RECALL);
    }

    public static Metric f1() {
        return new ClassificationCounts(ClassificationCounts.Score.F1);
    }

    public static Metric mae() {
        return new Regression(Regression.Kind.MAE);
    }

    public static Metric mse() {
        return new Regression(Regression.Kind.MSE);
    }

    /** Coefficient of determination over everything seen since reset. */
    public static Metric r2() {
        return new Regression(Regression.Kind.R2);
    }

    /** The metric with this name (as written in model files): accuracy, top_K_accuracy, precision, recall, f1, mae, mse, r2. */
    public static Metric fromName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.matches("top_\\d{1,9}_accuracy")) return topKAccuracy(Integer.parseInt(n.replaceAll("\\D", "")));
        switch (n) {
            case "accuracy": return accuracy();
            case "precision": return precision();
            case "recall": return recall();
            case "f1": return f1();
            case "mae": return mae();
            case "mse": return mse();
            case "r2": return r2();
            default: throw new IllegalArgumentException("unknown metric '" + name + "'; known: accuracy, top_K_accuracy, precision, recall, f1, mae, mse, r2");
        }
    }

    /** Rows of a [n, ...] tensor (1 for a scalar). */
    static int rows(Tensor t) {
        return t.rank() == 0 ? 1 : t.dim(0);
    }
}
