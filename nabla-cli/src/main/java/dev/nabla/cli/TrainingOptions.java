package dev.nabla.cli;

import dev.nabla.nn.Dense;
import dev.nabla.nn.Dropout;
import dev.nabla.nn.Layer;
import dev.nabla.optim.Adam;
import dev.nabla.optim.LearningRateSchedule;
import dev.nabla.optim.Optimizer;
import dev.nabla.optim.Optimizers;
import dev.nabla.optim.Schedules;
import dev.nabla.train.Callback;
import dev.nabla.train.EarlyStopping;
import dev.nabla.train.ReduceLearningRateOnPlateau;
import dev.nabla.train.metrics.Metric;
import dev.nabla.train.metrics.Metrics;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The training flags people look for in Keras: early stopping, a schedule, clipping, dropout, weight decay, metrics. */
final class TrainingOptions {

    @Option(names = "--early-stopping", description = "Stop when val_loss has not improved for --patience epochs, and keep the best epoch's weights.")
    boolean earlyStopping;

    @Option(names = "--patience", paramLabel = "EPOCHS", description = "Epochs without improvement before --early-stopping stops (default: 10).")
    int patience = 10;

    @Option(names = "--lr-schedule", paramLabel = "SCHEDULE", description = "cosine (to 0 over the run), step (halved every quarter of the run),"
            + " exponential (x0.96 every epoch) or plateau (halved after 5 epochs without a better val_loss). Default: constant.")
    String lrSchedule;

    @Option(names = "--clip-norm", paramLabel = "NORM", description = "Rescale all gradients together when their L2 norm exceeds NORM.")
    Double clipNorm;

    @Option(names = "--dropout", paramLabel = "RATE", description = "Dropout after every hidden Dense layer (e.g. 0.2).")
    Double dropout;

    @Option(names = "--weight-decay", paramLabel = "W", description = "L2 weight decay (decoupled for adamw, default 0.01 there; sgd and adam add W * weight to the gradient).")
    Double weightDecay;

    @Option(names = "--metrics", split = ",", paramLabel = "NAME", description = "Metrics per epoch: accuracy, precision, recall, f1, top_K_accuracy,"
            + " mae, mse, r2 (default: accuracy for classes, mae for values).")
    List<String> metrics;

    @Option(names = "--diagnostics", description = "Show the per-layer gradient norms in the epoch lines (always in history.csv and gradients.png).")
    boolean diagnostics;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the final metrics and the test report as JSON.")
    Path json;

    /** The optimizer by name with the schedule, weight decay and clipping asked for; {@code steps} is steps per epoch. */
    Optimizer optimizer(String name, float lr, int epochs, int steps) {
        if (!(lr > 0)) throw new IllegalArgumentException("--lr: must be positive, got " + lr);
        LearningRateSchedule s = schedule(lr, epochs, Math.max(1, steps));
        double wd = weightDecay == null ? 0 : weightDecay;
        if (!(wd >= 0)) throw new IllegalArgumentException("--weight-decay: must not be negative, got " + wd);
        Optimizer o = switch (name.toLowerCase(Locale.ROOT)) {
            case "adam" -> new Adam(s, 0.9, 0.999, 1e-8, wd, false);
            case "adamw" -> Optimizers.adamW(s, weightDecay == null ? 0.01 : wd);
            case "sgd" -> Optimizers.sgd(s, 0, false, wd);
            case "rmsprop" -> noDecay(name, Optimizers.rmsprop(s, 0.99, 1e-8));
            case "adagrad" -> noDecay(name, Optimizers.adagrad(s));
            default -> throw new IllegalArgumentException("--optimizer: unknown '" + name + "'; known: adam, adamw, sgd, rmsprop, adagrad");
        };
        if (clipNorm != null) o.clipByGlobalNorm(clipNorm);
        return o;
    }

    private Optimizer noDecay(String name, Optimizer o) {
        if (weightDecay != null) throw new IllegalArgumentException("--weight-decay: not available with --optimizer " + name + "; use adam, adamw or sgd");
        return o;
    }

    private LearningRateSchedule schedule(float lr, int epochs, int steps) {
        if (lrSchedule == null || lrSchedule.equalsIgnoreCase("plateau") || lrSchedule.equalsIgnoreCase("constant")) return Schedules.constant(lr);
        return switch (lrSchedule.toLowerCase(Locale.ROOT)) {
            case "cosine" -> Schedules.cosine(lr, (long) epochs * steps, 0);
            case "step" -> Schedules.step(lr, (long) Math.max(1, epochs / 4) * steps, 0.5);
            case "exponential" -> Schedules.exponential(lr, steps, 0.96);
            default -> throw new IllegalArgumentException("--lr-schedule: expected cosine, step, exponential or plateau, got '" + lrSchedule + "'");
        };
    }

    /** The callbacks these flags add: early stopping, the plateau schedule. */
    List<Callback> callbacks(boolean validating) {
        List<Callback> c = new ArrayList<>();
        boolean plateau = lrSchedule != null && lrSchedule.equalsIgnoreCase("plateau");
        if ((earlyStopping || plateau) && !validating) {
            throw new IllegalArgumentException((earlyStopping ? "--early-stopping" : "--lr-schedule plateau") + " watches val_loss; give a --validation-split above 0");
        }
        if (patience < 1) throw new IllegalArgumentException("--patience: must be at least 1, got " + patience);
        if (earlyStopping) c.add(new EarlyStopping("val_loss", patience, 0, true));
        if (plateau) c.add(new ReduceLearningRateOnPlateau("val_loss", 0.5, 5));
        return c;
    }

    /** Metrics by --metrics, or the task's default. */
    Metric[] metrics(Tasks.Task task) {
        if (metrics == null || metrics.isEmpty()) {
            return switch (task) {
                case CLASSIFICATION -> new Metric[] {Metrics.accuracy()};
                case REGRESSION -> new Metric[] {Metrics.mae()};
                case LANGUAGE_MODEL -> new Metric[0]; // the loss is the measure: nats per character
            };
        }
        List<Metric> out = new ArrayList<>();
        for (String m : metrics) {
            try {
                out.add(Metrics.fromName(m.trim()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--metrics: " + e.getMessage());
            }
        }
        return out.toArray(new Metric[0]);
    }

    /** The stack with Dropout after every Dense layer but the last (the output). */
    List<Layer> withDropout(List<Layer> stack) {
        if (dropout == null) return stack;
        if (!(dropout > 0 && dropout < 1)) throw new IllegalArgumentException("--dropout: expected a rate in (0, 1), got " + dropout);
        int last = -1;
        for (int i = 0; i < stack.size(); i++) if (stack.get(i) instanceof Dense) last = i;
        List<Layer> out = new ArrayList<>();
        for (int i = 0; i < stack.size(); i++) {
            out.add(stack.get(i));
            if (stack.get(i) instanceof Dense && i != last) out.add(new Dropout(dropout));
        }
        return out;
    }
}
