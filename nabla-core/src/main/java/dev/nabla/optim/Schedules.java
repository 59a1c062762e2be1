package dev.nabla.optim;

import dev.nabla.io.JsonFields;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Learning-rate schedules, as functions of the optimizer step (0 for the first update). The parameters are taken as
 * {@code double} and kept as float32.
 *
 * <pre>{@code
 * Optimizer opt = Optimizers.adam(Schedules.warmup(500, Schedules.cosine(1e-3, 10_000, 0.1)));
 * }</pre>
 */
public final class Schedules {

    private Schedules() {}

    public static LearningRateSchedule constant(double lr) {
        float r = positive(lr, "constant");
        return schedule(step -> r, "constant", "lr", r);
    }

    /** lr * factor^floor(step / everySteps). */
    public static LearningRateSchedule step(double lr, long everySteps, double factor) {
        float r = positive(lr, "step"), f = (float) factor;
        if (everySteps <= 0) throw new IllegalArgumentException("step schedule: everySteps must be positive, got " + everySteps);
        return schedule(step -> (float) (r * Math.pow(f, step / everySteps)), "step", "lr", r, "every_steps", everySteps, "factor", f);
    }

    /** lr * rate^(step / decaySteps), smoothly (Keras's ExponentialDecay without staircase). */
    public static LearningRateSchedule exponential(double lr, long decaySteps, double rate) {
        float r = positive(lr, "exponential"), base = (float) rate;
        if (decaySteps <= 0) throw new IllegalArgumentException("exponential schedule: decaySteps must be positive, got " + decaySteps);
        return schedule(step -> (float) (r * Math.pow(base, (double) step / decaySteps)), "exponential", "lr", r, "decay_steps", decaySteps, "rate", base);
    }

    /** Cosine decay from lr to alpha * lr over decaySteps, then flat (Keras's CosineDecay). */
    public static LearningRateSchedule cosine(double lr, long decaySteps, double alpha) {
        float r = positive(lr, "cosine"), a = (float) alpha;
        if (decaySteps <= 0) throw new IllegalArgumentException("cosine schedule: decaySteps must be positive, got " + decaySteps);
        return schedule(step -> {
            double progress = Math.min(step, decaySteps) / (double) decaySteps;
            double cos = 0.5 * (1 + Math.cos(Math.PI * progress));
            return (float) (r * ((1 - a) * cos + a));
        }, "cosine", "lr", r, "decay_steps", decaySteps, "alpha", a);
    }

    /** Linear warm-up from lr/warmupSteps to the following schedule's first value, then that schedule (shifted). */
    public static LearningRateSchedule warmup(long warmupSteps, LearningRateSchedule after) {
        if (warmupSteps <= 0) throw new IllegalArgumentException("warmup: warmupSteps must be positive, got " + warmupSteps);
        return new LearningRateSchedule() {
            @Override
            public float at(long step) {
                return step < warmupSteps ? after.at(0) * (step + 1) / warmupSteps : after.at(step - warmupSteps);
            }

            @Override
            public Map<String, Object> config() {
                Map<String, Object> c = new LinkedHashMap<>();
                c.put("type", "warmup");
                c.put("warmup_steps", warmupSteps);
                c.put("after", after.config());
                return c;
            }
        };
    }

    /** The schedule a config written by {@link LearningRateSchedule#config()} describes. */
    public static LearningRateSchedule fromConfig(Map<?, ?> c) {
        return fromConfig(c, "schedule");
    }

    /** As {@link #fromConfig(Map)}; {@code where} is the config's path in its file, which errors name. */
    public static LearningRateSchedule fromConfig(Map<?, ?> c, String where) {
        JsonFields f = new JsonFields(c, where);
        String type = f.requireString("type");
        try {
            switch (type) {
                case "constant": return constant(f.requireDouble("lr"));
                case "step": return step(f.requireDouble("lr"), f.requireLong("every_steps"), f.requireDouble("factor"));
                case "exponential": return exponential(f.requireDouble("lr"), f.requireLong("decay_steps"), f.requireDouble("rate"));
                case "cosine": return cosine(f.requireDouble("lr"), f.requireLong("decay_steps"), f.requireDouble("alpha"));
                case "warmup": return warmup(f.requireLong("warmup_steps"), fromConfig(f.requireObject("after").map(), f.path("after")));
                default: throw f.error("type", "unknown learning-rate schedule '" + type + "'; known: constant, step, exponential, cosine, warmup");
            }
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(where)) throw e;
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e); // a schedule's own check
        }
    }

    /** The rate as stored, float32, once checked positive and finite. */
    private static float positive(double lr, String name) {
        float r = (float) lr;
        if (!(r > 0) || Float.isInfinite(r)) throw new IllegalArgumentException(name + " schedule: learning rate must be positive, got " + lr);
        return r;
    }

    @FunctionalInterface
    private interface Rate {
        float at(long step);
    }

    private static LearningRateSchedule schedule(Rate rate, String type, Object... params) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("type", type);
        for (int i = 0; i < params.length; i += 2) {
            Object v = params[i + 1];
            c.put((String) params[i], v instanceof Float f ? (Object) (double) f : v);
        }
        return new LearningRateSchedule() {
            @Override
            public float at(long step) {
                return rate.at(step);
            }

            @Override
            public Map<String, Object> config() {
                return new LinkedHashMap<>(c);
            }
        };
    }
}
