package dev.nabla.train;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Saves the model (with optimizer state and history, so training can resume) during {@link Model#fit}: every
 * {@code everyEpochs} epochs, and/or whenever {@code monitor} reaches a new best. Each save replaces the file
 * atomically.
 *
 * <pre>{@code
 * model.fit(x, y, FitOptions.epochs(50).callbacks(ModelCheckpoint.every(5, Path.of("run/last.nabla"))));
 * SavedModel s = ModelFile.load(Path.of("run/last.nabla"));
 * s.model().fit(x, y, FitOptions.epochs(50).initialEpoch(s.epochsCompleted()));   // resume
 * }</pre>
 */
public class ModelCheckpoint implements Callback {

    private final Path path;
    private final int everyEpochs;
    private final String monitor;
    private final Supplier<Map<String, Object>> preprocessing;
    private final History history = new History();
    private Model model;
    private double best;
    private int saves;

    /**
     * @param everyEpochs save every this many epochs (0: only on improvement)
     * @param monitor     save when this logged value improves (null: never on improvement)
     */
    public ModelCheckpoint(Path path, int everyEpochs, String monitor, Supplier<Map<String, Object>> preprocessing) {
        if (everyEpochs < 0) throw new IllegalArgumentException("ModelCheckpoint: everyEpochs must not be negative, got " + everyEpochs);
        if (everyEpochs == 0 && monitor == null) throw new IllegalArgumentException("ModelCheckpoint: give everyEpochs > 0 or a monitor");
        this.path = path;
        this.everyEpochs = everyEpochs;
        this.monitor = monitor;
        this.preprocessing = preprocessing == null ? Map::of : preprocessing;
    }

    public static ModelCheckpoint every(int epochs, Path path) {
        return new ModelCheckpoint(path, epochs, null, null);
    }

    /** Every {@code epochs} epochs, saving this preprocessing (e.g. a fitted scaler) with the model. */
    public static ModelCheckpoint every(int epochs, Path path, Supplier<Map<String, Object>> preprocessing) {
        return new ModelCheckpoint(path, epochs, null, preprocessing);
    }

    public static ModelCheckpoint best(String monitor, Path path) {
        return new ModelCheckpoint(path, 0, monitor, null);
    }

    /** Continue the history of an earlier run (when resuming), so the saved history covers every epoch. */
    public ModelCheckpoint continuing(History earlier) {
        if (earlier != null) history.append(earlier);
        return this;
    }

    @Override
    public void onTrainBegin(TrainContext context) {
        model = context.model();
        best = lowerIsBetter() ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
    }

    private boolean lowerIsBetter() {
        return monitor != null && EarlyStopping.lowerIsBetter(monitor);
    }

    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
        history.record(logs);
        boolean save = everyEpochs > 0 && (epoch + 1) % everyEpochs == 0;
        if (monitor != null) {
            Double v = logs.get(monitor);
            if (v == null) throw new IllegalArgumentException("ModelCheckpoint: '" + monitor + "' is not logged; logs have " + logs.keySet());
            boolean improved = lowerIsBetter() ? v < best : v > best;
            if (improved) {
                best = v;
                save = true;
            }
        }
        if (save) {
            ModelFile.save(path, new SavedModel(model, preprocessing.get(), history, Map.of()));
            saves++;
        }
    }

    /** How many times the file was written. */
    public int saves() {
        return saves;
    }
}
