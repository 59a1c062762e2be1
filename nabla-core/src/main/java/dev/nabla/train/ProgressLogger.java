package dev.nabla.train;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/** Prints one line per epoch: {@code Epoch 3/10 - 0.42 s - loss 0.3512 - accuracy 0.8750 - val_loss ...}. */
public class ProgressLogger implements Callback {

    private final PrintStream out;
    private int epochs;
    private long epochStart;

    public ProgressLogger() {
        this(System.out);
    }

    public ProgressLogger(PrintStream out) {
        this.out = out;
    }

    @Override
    public void onTrainBegin(TrainContext context) {
        epochs = context.epochs();
    }

    @Override
    public void onEpochBegin(int epoch) {
        epochStart = System.nanoTime();
    }

    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
        double seconds = (System.nanoTime() - epochStart) / 1e9;
        out.println(String.format(Locale.ROOT, "Epoch %d/%d - %.2f s%s", epoch + 1, epochs, seconds, format(logs)));
    }

    /** " - loss 0.3512 - accuracy 0.8750" */
    public static String format(Map<String, Double> logs) {
        StringBuilder sb = new StringBuilder();
        logs.forEach((k, v) -> sb.append(String.format(Locale.ROOT, " - %s %.4f", k, v)));
        return sb.toString();
    }
}
