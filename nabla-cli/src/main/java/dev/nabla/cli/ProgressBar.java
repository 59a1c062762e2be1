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
 * finished line of each epoch.
 */
final class ProgressBar implements Callback {

    private static final int WIDTH = 24;
    private static final long REDRAW_NANOS = 100_000_000L;

    private final PrintWriter out;
    private final boolean live;
    private int epochs;
    private int steps;
    private int epoch;
    private long epochStart;
    private long lastDraw;
    private double lossSum;

    ProgressBar(PrintWriter out, boolean live) {
        this.out = out;
        this.live = live;
    }

    @Override
    public void onTrainBegin(TrainContext c) {
        epochs = c.epochs();
        steps = c.stepsPerEpoch();
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
        String line = prefix() + (live ? bar(steps) + " " : "") + "- " + seconds(elapsed) + ProgressLogger.format(logs);
        int every = Math.max(1, epochs / 10);
        boolean keep = epoch == 0 || epoch == epochs - 1 || (epoch + 1) % every == 0;
        if (live) out.print("\r" + line + "\u001B[K" + (keep ? "\n" : ""));
        else if (keep) out.print(line + "\n");
        out.flush();
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
