package dev.nabla.cli;

import dev.nabla.train.Callback;
import dev.nabla.train.ProgressLogger;
import dev.nabla.train.TrainContext;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;

/**
 * The live progress of {@code nabla train}: on a terminal, one line per epoch redrawn in place
 * ({@code Epoch 2/5 [=========>          ] 240/469  ETA 3s  loss 0.4123}); otherwise (a pipe or a file) just the
 * finished line of each epoch. The line shows the loss and the metrics, and the time left for the run; the per-layer
 * gradient diagnostics ({@code grad_norm/...}, {@code weight_norm/...}) only when asked for.
 */
final class ProgressBar implements Callback {

    private static final int WIDTH = 24;
    private static final long REDRAW_NANOS = 100_000_000L;

    private final PrintWriter out;
    private final boolean live;
    private final boolean diagnostics;
    private long trainStart;
    private int firstEpoch;
    private int epochs;
    private int steps;
    private int epoch;
    private long epochStart;
    private long lastDraw;
    private double lossSum;

    ProgressBar(PrintWriter out, boolean live) {
        this(out, live, false);
    }

    /** {@code diagnostics}: also show the per-layer entries that callbacks add to the logs. */
    ProgressBar(PrintWriter out, boolean live, boolean diagnostics) {
        this.out = out;
        this.live = live;
        this.diagnostics = diagnostics;
    }

    @Override
    public void onTrainBegin(TrainContext c) {
        epochs = c.epochs();
        steps = c.stepsPerEpoch();
        firstEpoch = c.initialEpoch();
        trainStart = System.nanoTime();
    }

    @Override
    public void onEpochBegin(int epoch) {
        this.epoch = epoch;
        epochStart = System.nanoTime();
        lastDraw = 0;
        lossSum = 0;
    }

    @Override
    public void onBatchEnd(int step, double loss) {
        lossSum += loss;
        if (!live) return;
        long now = System.nanoTime();
        if (now - lastDraw < REDRAW_NANOS && (steps <= 0 || step + 1 < steps)) return;
        lastDraw = now;
        int done = step + 1;
        if (steps <= 0) { // a stream of unknown length: no bar, no ETA
            out.print("\r" + prefix() + String.format(Locale.ROOT, "step %d  loss %.4f\u001B[K", done, lossSum / done));
            out.flush();
            return;
        }
        double elapsed = (now - epochStart) / 1e9;
        double eta = elapsed / done * (steps - done);
        out.print("\r" + prefix() + bar(done) + String.format(Locale.ROOT, " %d/%d  ETA %s  loss %.4f\u001B[K", done, steps, seconds(eta), lossSum / done));
        out.flush();
    }

    /**
     * Keeps a line for the first and last epoch and about ten in between; on a terminal the others are overwritten
     * by the next epoch's bar.
     */
    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
        double elapsed = (System.nanoTime() - epochStart) / 1e9;
        String line = prefix() + (live ? bar(steps) + " " : "") + "- " + seconds(elapsed) + ProgressLogger.format(shown(logs)) + runEta(epoch);
        int every = Math.max(1, epochs / 10);
        boolean keep = epoch == 0 || epoch == epochs - 1 || (epoch + 1) % every == 0;
        if (live) out.print("\r" + line + "\u001B[K" + (keep ? "\n" : ""));
        else if (keep) out.print(line + "\n");
        out.flush();
    }

    /** The logs without the per-layer diagnostics (keys with a '/'), unless they were asked for. */
    private Map<String, Double> shown(Map<String, Double> logs) {
        if (diagnostics) return logs;
        Map<String, Double> kept = new java.util.LinkedHashMap<>();
        logs.forEach((k, v) -> {
            if (k.indexOf('/') < 0) kept.put(k, v);
        });
        return kept;
    }

    /** " - ETA 12s" for the epochs still to run at the mean pace so far; empty after the last. */
    private String runEta(int epoch) {
        int done = epoch + 1 - firstEpoch, left = epochs - epoch - 1;
        if (left <= 0 || done <= 0) return "";
        double perEpoch = (System.nanoTime() - trainStart) / 1e9 / done;
        return " - ETA " + seconds(perEpoch * left);
    }

    private String prefix() {
        int w = String.valueOf(epochs).length();
        return String.format(Locale.ROOT, "Epoch %" + w + "d/%d ", epoch + 1, epochs);
    }

    /** [=========>          ] */
    private String bar(int done) {
        int filled = steps == 0 ? WIDTH : (int) ((long) WIDTH * done / steps);
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < WIDTH; i++) sb.append(i < filled ? '=' : i == filled ? '>' : ' ');
        return sb.append(']').toString();
    }

    static String seconds(double s) {
        return s < 10 ? String.format(Locale.ROOT, "%.2fs", s) : String.format(Locale.ROOT, "%.0fs", s);
    }
}
