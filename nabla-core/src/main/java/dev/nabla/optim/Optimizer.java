package dev.nabla.optim;

import dev.nabla.autograd.Autograd;
import dev.nabla.autograd.NoGrad;
import dev.nabla.tensor.Tensor;

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
 * keyed by the parameter's position in the list (so that {@link #state()} can be saved and restored).
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
    /** Per-parameter state slots (e.g. Adam's m and v) by slot name, then parameter index. */
    private final Map<String, Map<Integer, float[]>> slots = new LinkedHashMap<>();

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
            for (int i = 0; i < ps.size(); i++) {
                Tensor p = ps.get(i);
                Tensor g = p.grad();
                if (g == null) continue;
                update(i, p.data(), g.data(), lr);
            }
        }
        iterations++;
    }

    /**
     * One update of parameter number {@code index}: {@code param} and {@code grad} are the live arrays
     * (same length), {@code lr} the scheduled learning rate for this step. {@link #iterations()} is the number of
     * steps taken before this one.
     */
    protected abstract void update(int index, float[] param, float[] grad, float lr);

    /** A state array of this slot for parameter {@code index}, zero-filled when first asked for. */
    protected final float[] slot(String slotName, int index, int length) {
        Map<Integer, float[]> bySlot = slots.computeIfAbsent(slotName, k -> new LinkedHashMap<>());
        float[] s = bySlot.get(index);
        if (s == null || s.length != length) {
            s = new float[length];
            bySlot.put(index, s);
        }
        return s;
    }

    /** Number of completed steps. */
    public long iterations() {
        return iterations;
    }

    /** The learning rate the next step uses. */
    public float learningRate() {
        return Float.isNaN(fixedLearningRate) ? schedule.at(iterations) : fixedLearningRate;
    }

    /** Replaces the schedule by this fixed rate from the next step on (used by the LearningRateScheduler callback). */
    public void setLearningRate(float lr) {
        if (!(lr > 0) || Float.isInfinite(lr)) throw new IllegalArgumentException("learning rate must be positive, got " + lr);
        fixedLearningRate = lr;
    }

    public LearningRateSchedule schedule() {
        return schedule;
    }

    /** Clamps every gradient element to [-v, v] before each step. */
    public Optimizer clipByValue(float v) {
        if (!(v > 0)) throw new IllegalArgumentException("clipByValue: limit must be positive, got " + v);
        clipValue = v;
        return this;
    }

    /** Rescales each parameter's gradient whose L2 norm exceeds {@code n} to norm {@code n}. */
    public Optimizer clipByNorm(float n) {
        if (!(n > 0)) throw new IllegalArgumentException("clipByNorm: norm must be positive, got " + n);
        clipNorm = n;
        return this;
    }

    /** Rescales all gradients together when their joint L2 norm exceeds {@code n} (PyTorch's clip_grad_norm_). */
    public Optimizer clipByGlobalNorm(float n) {
        if (!(n > 0)) throw new IllegalArgumentException("clipByGlobalNorm: norm must be positive, got " + n);
        clipGlobalNorm = n;
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
     * Everything needed to resume: {@code "iterations"} and each state slot as {@code "<slot>.<paramIndex>"}
     * (e.g. {@code "m.0"}, {@code "v.0"}). The tensors are copies.
     */
    public Map<String, Tensor> state() {
        Map<String, Tensor> s = new LinkedHashMap<>();
        s.put("iterations", Tensor.scalar(iterations));
        for (Map.Entry<String, Map<Integer, float[]>> slot : slots.entrySet()) {
            for (Map.Entry<Integer, float[]> e : slot.getValue().entrySet()) {
                float[] v = e.getValue();
                s.put(slot.getKey() + "." + e.getKey(), Tensor.of(v.clone(), v.length));
            }
        }
        return s;
    }

    /** Restores a {@link #state()}; the parameters must be set and shaped as when it was taken. */
    public void loadState(Map<String, Tensor> state) {
        Tensor it = state.get("iterations");
        if (it == null) throw new IllegalArgumentException(getClass().getSimpleName() + ".loadState: no \"iterations\" entry");
        iterations = (long) it.item();
        slots.clear();
        for (Map.Entry<String, Tensor> e : state.entrySet()) {
            if (e.getKey().equals("iterations")) continue;
            int dot = e.getKey().lastIndexOf('.');
            if (dot < 0) throw new IllegalArgumentException(getClass().getSimpleName() + ".loadState: bad key " + e.getKey());
            String slotName = e.getKey().substring(0, dot);
            int index = Integer.parseInt(e.getKey().substring(dot + 1));
            slots.computeIfAbsent(slotName, k -> new LinkedHashMap<>()).put(index, e.getValue().data().clone());
        }
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
        if (f.has("clip_value")) clipByValue((float) f.requireDouble("clip_value"));
        if (f.has("clip_norm")) clipByNorm((float) f.requireDouble("clip_norm"));
        if (f.has("clip_global_norm")) clipByGlobalNorm((float) f.requireDouble("clip_global_norm"));
    }
}
