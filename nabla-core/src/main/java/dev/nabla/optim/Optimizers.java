package dev.nabla.optim;

import dev.nabla.io.JsonFields;

import java.util.Map;

/**
 * The optimizers, with PyTorch's defaults and update rules.
 *
 * <pre>{@code
 * Optimizer opt = Optimizers.adam(1e-3f).clipByGlobalNorm(1f);
 * }</pre>
 */
public final class Optimizers {

    private Optimizers() {}

    public static Optimizer sgd(float lr) {
        return sgd(Schedules.constant(lr), 0, false, 0);
    }

    public static Optimizer sgd(float lr, float momentum, boolean nesterov, float weightDecay) {
        return sgd(Schedules.constant(lr), momentum, nesterov, weightDecay);
    }

    public static Optimizer sgd(LearningRateSchedule lr, float momentum, boolean nesterov, float weightDecay) {
        return new Sgd(lr, momentum, nesterov, weightDecay);
    }

    /** Adagrad, eps 1e-10, accumulator starting at 0 (PyTorch). */
    public static Optimizer adagrad(float lr) {
        return adagrad(Schedules.constant(lr));
    }

    public static Optimizer adagrad(LearningRateSchedule lr) {
        return new Adagrad(lr, 0, 1e-10f);
    }

    /** RMSprop, alpha 0.99, eps 1e-8 (PyTorch). */
    public static Optimizer rmsprop(float lr) {
        return rmsprop(Schedules.constant(lr), 0.99f, 1e-8f);
    }

    public static Optimizer rmsprop(LearningRateSchedule lr, float rho, float epsilon) {
        return new RmsProp(lr, rho, epsilon);
    }

    /** Adam, betas 0.9 / 0.999, eps 1e-8. */
    public static Optimizer adam(float lr) {
        return adam(lr, 0.9f, 0.999f, 1e-8f);
    }

    public static Optimizer adam(float lr, float beta1, float beta2, float epsilon) {
        return new Adam(Schedules.constant(lr), beta1, beta2, epsilon, 0, false);
    }

    public static Optimizer adam(LearningRateSchedule lr) {
        return new Adam(lr, 0.9f, 0.999f, 1e-8f, 0, false);
    }

    /** AdamW: Adam with decoupled weight decay (PyTorch's default decay is 0.01). */
    public static Optimizer adamW(float lr, float weightDecay) {
        return adamW(Schedules.constant(lr), weightDecay);
    }

    public static Optimizer adamW(LearningRateSchedule lr, float weightDecay) {
        return new Adam(lr, 0.9f, 0.999f, 1e-8f, weightDecay, true);
    }

    /** The optimizer a config written by {@link Optimizer#config()} describes (state not included). */
    public static Optimizer fromConfig(Map<String, Object> c) {
        JsonFields fields = new JsonFields(c, "optimizer");
        String type = fields.requireString("type");
        LearningRateSchedule lr = Schedules.fromConfig(fields.requireObject("schedule").map(), fields.path("schedule"));
        Optimizer o;
        switch (type) {
            case "Sgd": o = new Sgd(lr, f(c, "momentum"), fields.optionalBoolean("nesterov", false), f(c, "weight_decay")); break;
            case "Adam": o = new Adam(lr, f(c, "beta1"), f(c, "beta2"), f(c, "epsilon"), f(c, "weight_decay"), false); break;
            case "AdamW": o = new Adam(lr, f(c, "beta1"), f(c, "beta2"), f(c, "epsilon"), f(c, "weight_decay"), true); break;
            case "RmsProp": o = new RmsProp(lr, f(c, "rho"), f(c, "epsilon")); break;
            case "Adagrad": o = new Adagrad(lr, f(c, "initial_accumulator"), f(c, "epsilon")); break;
            default: throw fields.error("type", "unknown optimizer '" + type + "'; known: Sgd, Adam, AdamW, RmsProp, Adagrad");
        }
        o.applyClipping(c);
        return o;
    }

    private static float f(Map<String, Object> c, String k) {
        return (float) new JsonFields(c, "optimizer").requireDouble(k);
    }
}
