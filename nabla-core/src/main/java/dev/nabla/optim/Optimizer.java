package dev.nabla.optim;

import dev.nabla.autograd.Autograd;
import dev.nabla.autograd.NoGrad;
import dev.nabla.tensor.Tensor;

import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Updates parameters from their gradients. The parameter list is a supplier because layers create their weights
 * lazily, on the first batch:
 *
 * <pre>{@code
 * Optimizer opt = Optimizers.adam(1e-3).parameters(model::trainableParameters);
 * opt.zeroGrad();
 * loss.backward();
 * opt.step();
 * }</pre>
 *
 * Subclasses implement {@link #update}, one parameter at a time, with per-parameter state kept in float arrays
 * keyed by the parameter tensor itself: a parameter keeps its own state when others leave the list (a frozen layer)
 * or join it. {@link #state} and {@link #loadState} name each parameter's state by the parameter's name.
 */
public abstract class Optimizer {

    private Supplier<List<Tensor>> params = List::of;
    private final LearningRateSchedule schedule;
    private long iterations;
    /** Set by {@link #setLearningRate}; overrides the schedule while set. */
    private float fixedLearningRate = Float.NaN;
    private float clipValue = Float.NaN;
    private float clipNorm = Float.NaN;
    private float clipGlobalNorm = Float.NaN;
    /** Per-parameter state slots (e.g. Adam's m and v) by parameter (identity, not equality), then slot name. */
    private final Map<Tensor, Map<String, float[]>> slots = new IdentityHashMap<>();

    protected Optimizer(LearningRateSchedule schedule) {
        if (schedule == null) throw new IllegalArgumentException("optimizer: learning-rate schedule is null");
        this.schedule = schedule;
    }

    /** Sets the parameters to update, read anew at every step (layers may not be built yet). */
    public Optimizer parameters(Supplier<List<Tensor>> params) {
        this.params = params;
        return this;
    }

    public Optimizer parameters(List<Tensor> params) {
        List<Tensor> fixed = List.copyOf(params);
        this.params = () -> fixed;
        return this;
    }

    /** The parameters as of now. */
    public List<Tensor> parameters() {
        return params.get();
    }

    /** Zeroes every parameter's gradient (as PyTorch's {@code optimizer.zero_grad()}). */
    public void zeroGrad() {
        for (Tensor p : params.get()) p.zeroGrad();
    }

    /** Clips gradients as configured, then updates each parameter that has a gradient; then counts the step. */
    public void step() {
        List<Tensor> ps = params.get();
        float lr = learningRate();
        try (NoGrad ignored = Autograd.noGrad()) {
            clip(ps);
            for (Tensor p : ps) {
                Tensor g = p.grad();
                if (g == null) continue;
                update(p, p.data(), g.data(), lr);
            }
        }
        iterations++;
    }

    /**
     * One update of {@code param}: {@code value} and {@code grad} are its live arrays (same length), {@code lr}
     * the scheduled learning rate for this step. {@link #iterations()} is the number of steps taken before this one.
     */
    protected abstract void update(Tensor param, float[] value, float[] grad, float lr);

    /** This slot's state array for {@code param}, zero-filled when first asked for. */
    protected final float[] slot(String slotName, Tensor param, int length) {
        return slot(slotName, param, length, 0f);
    }

    /** This slot's state array for {@code param}, filled with {@code initial} when first asked for. */
    protected final float[] slot(String slotName, Tensor param, int length, float initial) {
        Map<String, float[]> byName = slots.computeIfAbsent(param, k -> new LinkedHashMap<>());
        float[] s = byName.get(slotName);
        if (s == null || s.length != length) {
            s = new float[length];
            if (initial != 0) java.util.Arrays.fill(s, initial);
            byName.put(slotName, s);
        }
        return s;
    }

    /** Number of completed steps. */
    public long iterations() {
        return iterations;
    }

    /** Sets the number of completed steps, to resume (the schedule and Adam's bias correction read it). */
    public void setIterations(long iterations) {
        if (iterations < 0) throw new IllegalArgumentException(getClass().getSimpleName() + ": iterations must not be negative, got " + iterations);
        this.iterations = iterations;
    }

    /** The learning rate the next step uses. */
    public float learningRate() {
        return Float.isNaN(fixedLearningRate) ? schedule.at(iterations) : fixedLearningRate;
    }

    /** Replaces the schedule by this fixed rate from the next step on (used by the LearningRateScheduler callback). */
    public void setLearningRate(double lr) {
        float stored = (float) lr;
        if (!(stored > 0) || Float.isInfinite(stored)) throw new IllegalArgumentException("learning rate must be positive, got " + lr);
        fixedLearningRate = stored;
    }

    public LearningRateSchedule schedule() {
        return schedule;
    }

    /** Clamps every gradient element to [-v, v] before each step. */
    public Optimizer clipByValue(double v) {
        if (!((float) v > 0)) throw new IllegalArgumentException("clipByValue: limit must be positive, got " + v);
        clipValue = (float) v;
        return this;
    }

    /** Rescales each parameter's gradient whose L2 norm exceeds {@code n} to norm {@code n}. */
    public Optimizer clipByNorm(double n) {
        if (!((float) n > 0)) throw new IllegalArgumentException("clipByNorm: norm must be positive, got " + n);
        clipNorm = (float) n;
        return this;
    }

    /** Rescales all gradients together when their joint L2 norm exceeds {@code n} (PyTorch's clip_grad_norm_). */
    public Optimizer clipByGlobalNorm(double n) {
        if (!((float) n > 0)) throw new IllegalArgumentException("clipByGlobalNorm: norm must be positive, got " + n);
        clipGlobalNorm = (float) n;
        return this;
    }

    private void clip(List<Tensor> ps) {
        if (!Float.isNaN(clipValue)) {
            for (Tensor p : ps) {
                if (p.grad() == null) continue;
                float[] g = p.grad().data();
                for (int i = 0; i < g.length; i++) g[i] = Math.max(-clipValue, Math.min(clipValue, g[i]));
            }
        }
        if (!Float.isNaN(clipNorm)) {
            for (Tensor p : ps) {
                if (p.grad() == null) continue;
                float[] g = p.grad().data();
                double norm = Math.sqrt(sumOfSquares(g));
                if (norm > clipNorm) scale(g, (float) (clipNorm / norm));
            }
        }
        if (!Float.isNaN(clipGlobalNorm)) {
            double total = 0;
            for (Tensor p : ps) if (p.grad() != null) total += sumOfSquares(p.grad().data());
            double norm = Math.sqrt(total);
            if (norm > clipGlobalNorm) {
                float factor = (float) (clipGlobalNorm / norm);
                for (Tensor p : ps) if (p.grad() != null) scale(p.grad().data(), factor);
            }
        }
    }

    private static double sumOfSquares(float[] g) {
        double s = 0;
        for (float v : g) s += (double) v * v;
        return s;
    }

    private static void scale(float[] g, float f) {
        for (int i = 0; i < g.length; i++) g[i] *= f;
    }

    /**
     * The per-parameter state of the named parameters, as {@code "<parameter name>/<slot>"} (e.g.
     * {@code "dense/kernel/m"}, as the weight names of {@code Model.weights()}); parameters without state are left
     * out. Together with {@link #iterations()} it is everything needed to resume. The tensors are copies.
     */
    public Map<String, Tensor> state(Map<String, Tensor> namedParameters) {
        Map<String, Tensor> s = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> p : namedParameters.entrySet()) {
            Map<String, float[]> byName = slots.get(p.getValue());
            if (byName == null) continue;
            for (Map.Entry<String, float[]> slot : byName.entrySet()) {
                float[] v = slot.getValue();
                s.put(p.getKey() + "/" + slot.getKey(), Tensor.of(v.clone(), v.length));
            }
        }
        return s;
    }

    /**
     * Replaces the per-parameter state by a {@link #state} taken with the same names; each entry must name one of
     * {@code namedParameters} and match its size. The step count is set apart, by {@link #setIterations}.
     */
    public void loadState(Map<String, Tensor> state, Map<String, Tensor> namedParameters) {
        String who = getClass().getSimpleName() + ".loadState";
        Map<Tensor, Map<String, float[]>> loaded = new IdentityHashMap<>();
        for (Map.Entry<String, Tensor> e : state.entrySet()) {
            String key = e.getKey();
            int slash = key.lastIndexOf('/');
            if (slash <= 0) throw new IllegalArgumentException(who + ": state entry '" + key + "' is not <parameter name>/<slot>");
            String name = key.substring(0, slash);
            Tensor p = namedParameters.get(name);
            if (p == null) throw new IllegalArgumentException(who + ": state entry '" + key + "' names no parameter; known: " + namedParameters.keySet());
            if (e.getValue().size() != p.size()) {
                throw new IllegalArgumentException(who + ": state entry '" + key + "' has " + e.getValue().size()
                        + " values but parameter " + name + " has " + p.size());
            }
            loaded.computeIfAbsent(p, k -> new LinkedHashMap<>()).put(key.substring(slash + 1), e.getValue().data().clone());
        }
        slots.clear();
        slots.putAll(loaded);
    }

    /** Type, hyper-parameters and schedule, JSON-friendly, for {@code Optimizers.fromConfig}. */
    public Map<String, Object> config() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("type", getClass().getSimpleName());
        c.put("schedule", schedule.config());
        if (!Float.isNaN(clipValue)) c.put("clip_value", (double) clipValue);
        if (!Float.isNaN(clipNorm)) c.put("clip_norm", (double) clipNorm);
        if (!Float.isNaN(clipGlobalNorm)) c.put("clip_global_norm", (double) clipGlobalNorm);
        return c;
    }

    /** Applies the clipping entries of a config written by {@link #config()}. */
    protected final void applyClipping(Map<String, Object> config) {
        dev.nabla.io.JsonFields f = new dev.nabla.io.JsonFields(config, "optimizer");
        if (f.has("clip_value")) clipByValue(f.requireDouble("clip_value"));
        if (f.has("clip_norm")) clipByNorm(f.requireDouble("clip_norm"));
        if (f.has("clip_global_norm")) clipByGlobalNorm(f.requireDouble("clip_global_norm"));
    }
}
