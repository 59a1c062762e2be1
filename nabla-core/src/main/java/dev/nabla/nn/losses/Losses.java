package dev.nabla.nn.losses;

import dev.nabla.io.JsonFields;
import dev.nabla.nn.Loss;
import dev.nabla.tensor.Shape;
import dev.nabla.tensor.Tensor;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The standard losses: the cross-entropies over [batch, classes] ({@link CrossEntropy}) and binary cross-entropy of
 * logits ({@link BinaryCrossEntropy}) are single ops with their own gradient, the others are composed from
 * differentiable tensor ops. Per-sample values are averaged over the non-batch axes, then reduced over the batch as
 * the {@link Reduction} says (default MEAN), as Keras does.
 *
 * <p>Cross-entropies from logits use log-softmax / log-sigmoid (stable for any logit); from probabilities, the
 * probabilities are clipped to [1e-7, 1 - 1e-7] as Keras does (but, as PyTorch's NLL of log-probabilities, not
 * renormalised to sum to 1: feed a softmax output).
 *
 * <pre>{@code
 * Loss ce = Losses.sparseCategoricalCrossentropy(true);    // targets: class indices; predictions: logits
 * Tensor loss = ce.apply(Tensor.vector(2, 0), logits);
 * }</pre>
 */
public final class Losses {

    /** Keras's probability clipping epsilon. */
    public static final float EPSILON = 1e-7f;

    private Losses() {}

    public static Loss mse() {
        return mse(Reduction.MEAN);
    }

    public static Loss mse(Reduction r) {
        return FormulaLoss.elementwise("mean_squared_error", r, Map.of(), (t, p) -> p.sub(t).square());
    }

    public static Loss mae() {
        return mae(Reduction.MEAN);
    }

    public static Loss mae(Reduction r) {
        return FormulaLoss.elementwise("mean_absolute_error", r, Map.of(), (t, p) -> p.sub(t).abs());
    }

    /** Huber: 0.5 e^2 where |e| &lt;= delta, else delta (|e| - 0.5 delta). */
    public static Loss huber(double delta) {
        return huber(delta, Reduction.MEAN);
    }

    public static Loss huber(double delta, Reduction r) {
        if (!(delta > 0)) throw new IllegalArgumentException("huber: delta must be positive, got " + delta);
        float d = (float) delta;
        return FormulaLoss.elementwise("huber", r, Map.of("delta", delta), (t, p) -> {
            Tensor err = p.sub(t).abs();
            Tensor quadratic = err.clamp(0f, d);   // min(|e|, delta)
            Tensor linear = err.sub(quadratic);     // max(|e| - delta, 0)
            return quadratic.square().mul(0.5f).add(linear.mul(d));
        });
    }

    /** Binary cross-entropy; targets in [0, 1], predictions probabilities or logits. */
    public static Loss binaryCrossentropy(boolean fromLogits) {
        return binaryCrossentropy(fromLogits, Reduction.MEAN);
    }

    public static Loss binaryCrossentropy(boolean fromLogits, Reduction r) {
        String name = "binary_crossentropy";
        if (fromLogits) {
            return FormulaLoss.elementwise(name, r, Map.of("from_logits", true), (t, z) -> BinaryCrossEntropy.fromLogits(z, t));
        }
        return FormulaLoss.elementwise(name, r, Map.of("from_logits", false), (t, p) -> {
            Tensor q = p.clamp(EPSILON, 1f - EPSILON);
            return t.mul(q.log()).add(t.neg().add(1f).mul(q.neg().add(1f).log())).neg();
        });
    }

    /** Categorical cross-entropy with one-hot (or soft) targets over the last axis. */
    public static Loss categoricalCrossentropy(boolean fromLogits) {
        return categoricalCrossentropy(fromLogits, Reduction.MEAN);
    }

    public static Loss categoricalCrossentropy(boolean fromLogits, Reduction r) {
        String name = "categorical_crossentropy";
        return new FormulaLoss(name, r, Map.of("from_logits", fromLogits), (t, p, reduction) -> {
            checkSameShape(name, t, p);
            if (p.rank() == 2) return CrossEntropy.dense(p, t, fromLogits, reduction);
            Tensor logp = fromLogits ? p.logSoftmax(-1) : p.clamp(EPSILON, 1f - EPSILON).log();
            return reduce(t.mul(logp).sum(-1).neg(), reduction);
        });
    }

    /**
     * Cross-entropy with integer class targets (stored as floats): predictions [batch, classes] with targets [batch]
     * or [batch, 1], or sequences [batch, time, classes] (any [batch, ..., classes]) with targets [batch, time]
     * ([batch, ...]). Each position is one term: the mean is over all positions, NONE gives one value per position.
     */
    public static Loss sparseCategoricalCrossentropy(boolean fromLogits) {
        return sparseCategoricalCrossentropy(fromLogits, Reduction.MEAN);
    }

    public static Loss sparseCategoricalCrossentropy(boolean fromLogits, Reduction r) {
        return sparse(fromLogits, null, r);
    }

    /** PyTorch's default {@code ignore_index}: the target that marks a position (a padded step) to leave out. */
    public static final int IGNORE_INDEX = -100;

    /**
     * As {@link #sparseCategoricalCrossentropy(boolean)}, with positions whose target is {@code ignoreIndex} left out
     * (PyTorch's {@code ignore_index}, e.g. {@link #IGNORE_INDEX} on the padded steps of a sequence): they add nothing
     * and get no gradient, and the mean is over the positions kept. A batch with every position ignored has loss 0
     * and a zero gradient (PyTorch gives NaN), so one empty batch does not spoil a run.
     *
     * <pre>{@code
     * Loss ce = Losses.sparseCategoricalCrossentropy(true, Losses.IGNORE_INDEX);
     * Tensor loss = ce.apply(Tensor.of(new float[] {2, 0, -100}, 1, 3), Tensor.zeros(1, 3, 5));   // mean over 2 steps
     * }</pre>
     */
    public static Loss sparseCategoricalCrossentropy(boolean fromLogits, int ignoreIndex) {
        return sparseCategoricalCrossentropy(fromLogits, ignoreIndex, Reduction.MEAN);
    }

    public static Loss sparseCategoricalCrossentropy(boolean fromLogits, int ignoreIndex, Reduction r) {
        return sparse(fromLogits, ignoreIndex, r);
    }

    private static Loss sparse(boolean fromLogits, Integer ignoreIndex, Reduction r) {
        String name = "sparse_categorical_crossentropy";
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("from_logits", fromLogits);
        if (ignoreIndex != null) parameters.put("ignore_index", ignoreIndex);
        return new FormulaLoss(name, r, parameters, (t, p, reduction) ->
                CrossEntropy.sparse(p, classIndices(name, t, p, ignoreIndex), fromLogits, reduction));
    }

    /**
     * Each position's class ({@link CrossEntropy#IGNORED} where the target is {@code ignoreIndex}, if not null), after
     * checking that the targets are p's shape without its class axis and that every other target is a class index of p.
     */
    static int[] classIndices(String name, Tensor t, Tensor p, Integer ignoreIndex) {
        if (p.rank() < 2) throw new IllegalArgumentException(name + ": predictions must be [batch, classes] or [batch, ..., classes], got " + Shape.str(p.shape()));
        int[] positions = Arrays.copyOf(p.shape(), p.rank() - 1);
        int classes = p.dim(p.rank() - 1);
        boolean shapeOk = Arrays.equals(t.shape(), positions) || (p.rank() == 2 && t.rank() == 2 && t.dim(0) == p.dim(0) && t.dim(1) == 1);
        if (!shapeOk) {
            String expected = p.rank() == 2 ? "[" + p.dim(0) + "] or [" + p.dim(0) + ", 1]" : Shape.str(positions);
            throw new IllegalArgumentException(name + ": targets " + Shape.str(t.shape()) + " do not match predictions "
                    + Shape.str(p.shape()) + " (expected " + expected + " class indices)");
        }
        float[] v = t.data();
        int[] index = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            if (ignoreIndex != null && v[i] == ignoreIndex) {
                index[i] = CrossEntropy.IGNORED;
                continue;
            }
            if (v[i] != Math.rint(v[i]) || v[i] < 0 || v[i] >= classes) {
                String at = p.rank() == 2 ? "row " + i : "position " + Shape.position(i, positions);
                throw new IllegalArgumentException(name + ": target " + v[i] + " at " + at + " is not a class index in [0, " + classes + ")"
                        + (ignoreIndex != null ? " or the ignore index " + ignoreIndex : ""));
            }
            index[i] = (int) v[i];
        }
        return index;
    }

    static void checkSameShape(String name, Tensor t, Tensor p) {
        if (!Arrays.equals(t.shape(), p.shape())) {
            throw new IllegalArgumentException(name + ": targets " + Shape.str(t.shape()) + " and predictions " + Shape.str(p.shape()) + " differ in shape");
        }
    }

    /** Per-sample values reduced as asked. */
    static Tensor reduce(Tensor perSample, Reduction r) {
        switch (r) {
            case MEAN: return perSample.mean();
            case SUM: return perSample.sum();
            default: return perSample;
        }
    }

    /** Averages an elementwise loss over the non-batch axes, giving one value per sample. */
    static Tensor perSample(Tensor elementwise) {
        if (elementwise.rank() <= 1) return elementwise;
        int[] axes = new int[elementwise.rank() - 1];
        for (int i = 0; i < axes.length; i++) axes[i] = i + 1;
        return elementwise.mean(axes);
    }

    /** The loss a config names, as {@link Loss#config()} writes it ({@code {"name": ..., ...}}) or just a name. */
    public static Loss fromConfig(Object config) {
        return fromConfig(config, "loss");
    }

    /** As {@link #fromConfig(Object)}; {@code where} is the config's path in its file, which errors name. */
    public static Loss fromConfig(Object config, String where) {
        JsonFields c = config instanceof String s ? new JsonFields(Map.of("name", s), where) : JsonFields.of(config, where);
        String given = c.requireString("name");
        boolean logits = c.optionalBoolean("from_logits", false);
        Reduction r = reduction(c);
        switch (given.toLowerCase(Locale.ROOT).replace('-', '_')) {
            case "mse": case "mean_squared_error": return mse(r);
            case "mae": case "mean_absolute_error": return mae(r);
            case "huber": return huber(c.optionalDouble("delta", 1.0), r);
            case "binary_crossentropy": case "bce": return binaryCrossentropy(logits, r);
            case "categorical_crossentropy": case "cce": return categoricalCrossentropy(logits, r);
            case "sparse_categorical_crossentropy": case "scce":
                return sparse(logits, c.has("ignore_index") ? c.requireInt("ignore_index") : null, r);
            default:
                throw c.error("name", "unknown loss '" + given + "'; known: mse, mae, huber, binary_crossentropy,"
                        + " categorical_crossentropy, sparse_categorical_crossentropy");
        }
    }

    private static Reduction reduction(JsonFields c) {
        String given = c.optionalString("reduction", "mean");
        for (Reduction r : Reduction.values()) if (r.name().equalsIgnoreCase(given)) return r;
        throw c.error("reduction", "expected \"mean\", \"sum\" or \"none\", got \"" + given + "\"");
    }

    /** An elementwise loss of same-shaped targets and predictions. */
    @FunctionalInterface
    interface Formula {
        Tensor apply(Tensor yTrue, Tensor yPred);
    }

    /** A loss already reduced as asked. */
    @FunctionalInterface
    interface ReducedFormula {
        Tensor apply(Tensor yTrue, Tensor yPred, Reduction reduction);
    }

    /**
     * A loss from its formula. Elementwise losses (MSE, MAE, Huber, binary cross-entropy) compare same-shaped targets
     * and predictions and are averaged per sample; the categorical ones give one value per sample directly.
     */
    private static final class FormulaLoss implements Loss {
        private final String name;
        private final Reduction reduction;
        private final Map<String, Object> parameters;
        private final ReducedFormula formula;

        FormulaLoss(String name, Reduction reduction, Map<String, Object> parameters, ReducedFormula formula) {
            this.name = name;
            this.reduction = reduction;
            this.parameters = parameters;
            this.formula = formula;
        }

        static FormulaLoss elementwise(String name, Reduction reduction, Map<String, Object> parameters, Formula formula) {
            return new FormulaLoss(name, reduction, parameters, (yTrue, yPred, r) -> {
                Tensor t = yTrue;
                // [batch] targets against [batch, 1] predictions (a single output) are accepted, as Keras does.
                if (t.rank() == 1 && yPred.rank() == 2 && yPred.dim(1) == 1 && t.dim(0) == yPred.dim(0)) t = t.reshape(t.dim(0), 1);
                checkSameShape(name, t, yPred);
                return reduce(perSample(formula.apply(t, yPred)), r);
            });
        }

        @Override
        public Tensor apply(Tensor yTrue, Tensor yPred) {
            return formula.apply(yTrue, yPred, reduction);
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public Map<String, Object> config() {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("name", name);
            c.putAll(parameters);
            c.put("reduction", reduction.name().toLowerCase(Locale.ROOT));
            return c;
        }
    }
}
