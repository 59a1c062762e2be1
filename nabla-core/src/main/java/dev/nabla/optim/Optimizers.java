package dev.nabla.optim;

import dev.nabla.io.JsonFields;

import java.util.Map;

/**
 * The optimizers, with PyTorch's defaults and update rules. Hyper-parameters are taken as {@code double}, so that
 * {@code sgd(0.01)} reads as written, and kept as float32, the type of the weights they update.
 *
 * <pre>{@code
 * Optimizer opt = Optimizers.adam(1e-3).clipByGlobalNorm(1);
 * }</pre>
 */
public final class Optimizers {

    private Optimizers() {}

    public static Optimizer sgd(double lr) {
        return sgd(Schedules.constant(lr), 0, false, 0);
    }

    public static Optimizer sgd(double lr, double momentum, boolean nesterov, double weightDecay) {
        return sgd(Schedules.constant(lr), momentum, nesterov, weightDecay);
    }

    public static Optimizer sgd(LearningRateSchedule lr, double momentum, boolean nesterov, double weightDecay) {
        return new Sgd(lr, momentum, nesterov, weightDecay);
    }

    /** Adagrad, eps 1e-10, accumulator starting at 0 (PyTorch). */
    public static Optimizer adagrad(double lr) {
        return adagrad(Schedules.constant(lr));
    }

    public static Optimizer adagrad(LearningRateSchedule lr) {
        return new Adagrad(lr, 0, 1e-10);
    }

    /** RMSprop, alpha 0.99, eps 1e-8 (PyTorch). */
    public static Optimizer rmsprop(double lr) {
        return rmsprop(Schedules.constant(lr), 0.99, 1e-8);
    }

    public static Optimizer rmsprop(LearningRateSchedule lr, double rho, double epsilon) {
        return new RmsProp(lr, rho, epsilon);
    }

    /** Adam, betas 0.9 / 0.999, eps 1e-8. */
    public static Optimizer adam(double lr) {
        return adam(lr, 0.9, 0.999, 1e-8);
    }

    public static Optimizer adam(double lr, double beta1, double beta2, double epsilon) {
        return new Adam(Schedules.constant(lr), beta1, beta2, epsilon, 0, false);
    }

    public static Optimizer adam(LearningRateSchedule lr) {
        return new Adam(lr, 0.9, 0.999, 1e-8, 0, false);
    }

    /** AdamW: Adam with decoupled weight decay (PyTorch's default decay is 0.01). */
    public static Optimizer adamW(double lr, double weightDecay) {
        return adamW(Schedules.constant(lr), weightDecay);
    }

    public static Optimizer adamW(LearningRateSchedule lr, double weightDecay) {
        return new Adam(lr, 0.9, 0.999, 1e-8, weightDecay, true);
    }

    /** The optimizer a config written by {@link Optimizer#config()} describes (state not included). */
    public static Optimizer fromConfig(Map<String, Object> c) {
        JsonFields f = new JsonFields(c, "optimizer");
        String type = f.requireString("type");
        LearningRateSchedule lr = Schedules.fromConfig(f.requireObject("schedule").map(), f.path("schedule"));
        Optimizer o;
        switch (type) {
            case "Sgd": o = new Sgd(lr, f.requireDouble("momentum"), f.optionalBoolean("nesterov", false), f.requireDouble("weight_decay")); break;
            case "Adam": o = new Adam(lr, f.requireDouble("beta1"), f.requireDouble("beta2"), f.requireDouble("epsilon"), f.requireDouble("weight_decay"), false); break;
            case "AdamW": o = new Adam(lr, f.requireDouble("beta1"), f.requireDouble("beta2"), f.requireDouble("epsilon"), f.requireDouble("weight_decay"), true); break;
            case "RmsProp": o = new RmsProp(lr, f.requireDouble("rho"), f.requireDouble("epsilon")); break;
            case "Adagrad": o = new Adagrad(lr, f.requireDouble("initial_accumulator"), f.requireDouble("epsilon")); break;
            default: throw f.error("type", "unknown optimizer '" + type + "'; known: Sgd, Adam, AdamW, RmsProp, Adagrad");
        }
        o.applyClipping(c);
        return o;
    }
}
