package dev.nabla.optim;

import dev.nabla.io.JsonFields;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Learning-rate schedules, as functions of the optimizer step (0 for the first update).
 *
 * <pre>{@code
 * Optimizer opt = Optimizers.adam(Schedules.warmup(500, Schedules.cosine(1e-3f, 10_000, 0.1f)));
 * }</pre>
 */
public final class Schedules {

    private Schedules() {}

    public static LearningRateSchedule constant(float lr) {
        positive(lr, "constant");
        return schedule(step -> lr, "constant", "lr", lr);
    }

    /** lr * factor^floor(step / everySteps). */
    public static LearningRateSchedule step(float lr, long everySteps, float factor) {
        positive(lr, "step");
        if (everySteps <= 0) throw new IllegalArgumentException("step schedule: everySteps must be positive, got " + everySteps);
        return schedule(step -> (float) (lr * Math.pow(factor, step / everySteps)), "step", "lr", lr, "every_steps", everySteps, "factor", factor);
    }

    /** lr * rate^(step / decaySteps), smoothly (Keras's ExponentialDecay without staircase). */
    public static LearningRateSchedule exponential(float lr, long decaySteps, float rate) {
        positive(lr, "exponential");
        if (decaySteps <= 0) throw new IllegalArgumentException("exponential schedule: decaySteps must be positive, got " + decaySteps);
        return schedule(step -> (float) (lr * Math.pow(rate, (double) step / decaySteps)), "exponential", "lr", lr, "decay_steps", decaySteps, "rate", rate);
    }

    /** Cosine decay from lr to alpha * lr over decaySteps, then flat (Keras's CosineDecay). */
    public static LearningRateSchedule cosine(float lr, long decaySteps, float alpha) {
        positive(lr, "cosine");
        if (decaySteps <= 0) throw new IllegalArgumentException("cosine schedule: decaySteps must be positive, got " + decaySteps);
        return schedule(step -> {
            double progress = Math.min(step, decaySteps) / (double) decaySteps;
            double cos = 0.5 * (1 + Math.cos(Math.PI * progress));
            return (float) (lr * ((1 - alpha) * cos + alpha));
        }, "cosine", "lr", lr, "decay_steps", decaySteps, "alpha", alpha);
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
                case "constant": return constant(f(f, "lr"));
                case "step": return step(f(f, "lr"), f.requireLong("every_steps"), f(f, "factor"));
                case "exponential": return exponential(f(f, "lr"), f.requireLong("decay_steps"), f(f, "rate"));
                case "cosine": return cosine(f(f, "lr"), f.requireLong("decay_steps"), f(f, "alpha"));
                case "warmup": return warmup(f.requireLong("warmup_steps"), fromConfig(f.requireObject("after").map(), f.path("after")));
                default: throw f.error("type", "unknown learning-rate schedule '" + type + "'; known: constant, step, exponential, cosine, warmup");
            }
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(where)) throw e;
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e); // a schedule's own check
        }
    }

    private static float f(JsonFields f, String k) {
        return (float) f.requireDouble(k);
    }

    private static void positive(float lr, String name) {
        if (!(lr > 0) || Float.isInfinite(lr)) throw new IllegalArgumentException(name + " schedule: learning rate must be positive, got " + lr);
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
