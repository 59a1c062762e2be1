package dev.nabla.train;

import dev.nabla.data.Batch;
import dev.nabla.data.BatchSource;
import dev.nabla.data.Batches;
import dev.nabla.data.Dataset;
import dev.nabla.nn.Loss;
import dev.nabla.nn.losses.Losses;
import dev.nabla.tensor.Shape;
import dev.nabla.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Per-row weights in the training loss ({@link FitOptions#sampleWeights}), and the class weights that make them
 * (Keras's {@code class_weight}, scikit-learn's {@code class_weight="balanced"}): a rare class weighs more, so the
 * network does not learn to ignore it.
 *
 * <pre>{@code
 * Tensor classes = Tensor.of(new float[] {0, 0, 0, 1}, 4);
 * Map<Integer, Double> w = SampleWeights.balancedClassWeights(classes);   // {0=0.667, 1=2.0}
 * FitOptions options = FitOptions.epochs(10).sampleWeights(SampleWeights.ofClasses(classes, w));
 * }</pre>
 */
public final class SampleWeights {

    private SampleWeights() {}

    /** scikit-learn's "balanced" weights: {@code n / (classes * count(c))} for each class present in {@code classes} ([n] indices). */
    public static Map<Integer, Double> balancedClassWeights(Tensor classes) {
        Map<Integer, Integer> counts = new TreeMap<>();
        for (float v : classes.data()) counts.merge(Math.round(v), 1, Integer::sum);
        Map<Integer, Double> w = new LinkedHashMap<>();
        int n = classes.size(), k = counts.size();
        counts.forEach((c, count) -> w.put(c, (double) n / (k * count)));
        return w;
    }

    /** Each row's weight from its class ([n] indices); a class not in {@code weights} weighs 1, as in Keras. */
    public static Tensor ofClasses(Tensor classes, Map<Integer, Double> weights) {
        for (Map.Entry<Integer, Double> e : weights.entrySet()) {
            if (!(e.getValue() >= 0) || !Double.isFinite(e.getValue())) {
                throw new IllegalArgumentException("class weights: the weight of class " + e.getKey() + " must be finite and not negative, got " + e.getValue());
            }
        }
        float[] y = classes.data(), w = new float[y.length];
        for (int i = 0; i < y.length; i++) w[i] = weights.getOrDefault(Math.round(y[i]), 1.0).floatValue();
        return Tensor.of(w, y.length);
    }

    /** The mean over the batch of weight times per-sample loss (Keras's reduction with {@code sample_weight}). */
    static Tensor loss(Loss loss, Tensor yTrue, Tensor yPred, Tensor weights) {
        Tensor perSample = perSample(loss).apply(yTrue, yPred);
        if (perSample.rank() != 1 || perSample.size() != weights.size()) {
            throw new IllegalArgumentException(loss.name() + ": per-sample losses " + Shape.str(perSample.shape()) + " do not match sample weights "
                    + Shape.str(weights.shape()));
        }
        return perSample.mul(weights).mean();
    }

    /** The same loss with reduction "none" (one value per sample), rebuilt from its config. */
    private static Loss perSample(Loss loss) {
        Map<String, Object> c = new LinkedHashMap<>(loss.config());
        c.put("reduction", "none");
        try {
            return Losses.fromConfig(c);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("fit: sample weights need a loss from Losses (one that gives per-sample values); " + loss.name() + " is not", e);
        }
    }

    /**
     * The weights {@code options} give for {@code n} training rows, checked (one finite non-negative weight per row,
     * one input and one output), or null when there are none.
     */
    static Tensor checked(String model, FitOptions options, int n, boolean oneInputAndOutput) {
        Tensor w = options.sampleWeights();
        if (w == null) return null;
        if (!oneInputAndOutput) throw new IllegalArgumentException(model + ".fit: sample weights are supported for one input and one output");
        if (w.rank() != 1 || w.size() != n) {
            throw new IllegalArgumentException(model + ".fit: sample weights " + Shape.str(w.shape()) + " must be one per sample, [" + n + "]");
        }
        float[] v = w.data();
        for (int i = 0; i < v.length; i++) {
            if (!(v[i] >= 0) || !Float.isFinite(v[i])) throw new IllegalArgumentException(model + ".fit: sample weight " + v[i] + " at row " + i + " must be finite and not negative");
        }
        return w;
    }

    /** Batches of (x, y) with each row's weight, in the order {@link Dataset#batches} would cut (x, y). */
    static BatchSource batches(Tensor x, Tensor y, Tensor weights, int batchSize, boolean shuffle, long seed) {
        return Batches.ofRows(x.dim(0), batchSize, shuffle, seed,
                rows -> new Batch(Dataset.rows(x, rows), Dataset.rows(y, rows), Dataset.rows(weights, rows)));
    }
}
