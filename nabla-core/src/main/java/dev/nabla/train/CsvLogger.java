package dev.nabla.train;

import dev.nabla.io.AtomicFiles;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes the history as CSV ({@code epoch,loss,accuracy,...}) after every epoch, atomically, so the file is
 * always complete even if training is interrupted.
 */
public class CsvLogger implements Callback {

    private final Path path;
    private final History history = new History();
    private final List<Integer> epochs = new ArrayList<>();

    public CsvLogger(Path path) {
        this.path = path;
    }

    /** Continue the history of an earlier run (when resuming), so the file keeps every epoch while training goes on. */
    public CsvLogger continuing(History earlier) {
        if (earlier != null) {
            history.append(earlier);
            for (int i = 1; i <= earlier.epochs(); i++) epochs.add(i);
        }
        return this;
    }

    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
        history.record(logs);
        epochs.add(epoch + 1);
        AtomicFiles.write(path, toCsv(epochs, history).getBytes(StandardCharsets.UTF_8));
    }

    /** The CSV text of a history; epoch numbers start at 1. */
    public static String toCsv(List<Integer> epochNumbers, History history) {
        StringBuilder sb = new StringBuilder("epoch");
        Map<String, List<Double>> m = history.metrics();
        for (String k : m.keySet()) sb.append(',').append(k);
        sb.append('\n');
        for (int i = 0; i < epochNumbers.size(); i++) {
            sb.append(epochNumbers.get(i));
            for (List<Double> series : m.values()) sb.append(',').append(i < series.size() ? series.get(i).toString() : "");
            sb.append('\n');
        }
        return sb.toString();
    }
}
