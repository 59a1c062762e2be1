package dev.nabla.cli.board;

import dev.nabla.nn.Activation;
import dev.nabla.nn.Add;
import dev.nabla.nn.Concatenate;
import dev.nabla.nn.Dense;
import dev.nabla.nn.Initializers;
import dev.nabla.nn.Input;
import dev.nabla.nn.SymbolicTensor;
import dev.nabla.nn.losses.Losses;
import dev.nabla.optim.Optimizers;
import dev.nabla.train.CsvLogger;
import dev.nabla.train.Functional;
import dev.nabla.train.Model;
import dev.nabla.train.History;
import dev.nabla.train.ModelFile;
import dev.nabla.train.SavedModel;
import dev.nabla.train.Sequential;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Run folders as nabla train leaves them, made small for the board's tests. */
final class Runs {

    private Runs() {}

    /** A history of {@code epochs} epochs: loss 1/e, accuracy, val_loss and a layer's gradient norm. */
    static History history(int epochs) {
        History h = new History();
        for (int e = 1; e <= epochs; e++) h.record(logs(e));
        return h;
    }

    static Map<String, Double> logs(int epoch) {
        Map<String, Double> logs = new LinkedHashMap<>();
        logs.put("loss", 1.0 / epoch);
        logs.put("accuracy", 1 - 0.5 / epoch);
        logs.put("val_loss", 1.2 / epoch);
        logs.put("grad_norm/dense", 0.1 * epoch);
        return logs;
    }

    /** Writes {@code runs/name/history.csv} of that many epochs; returns the run folder. */
    static Path withHistory(Path runs, String name, int epochs) throws IOException {
        Path dir = Files.createDirectories(runs.resolve(name));
        List<Integer> numbers = new ArrayList<>();
        for (int e = 1; e <= epochs; e++) numbers.add(e);
        Files.writeString(dir.resolve("history.csv"), CsvLogger.toCsv(numbers, history(epochs)));
        return dir;
    }

    /**
     * A run whose model.nabla is a graph: inputs a (3) and b (2); h = dense h(a); a residual r = add(h, dense skip(h));
     * c = concatenate(r, dense side(b)); outputs main = dense main(c) and aux = dense aux(h).
     */
    static Path withGraphModel(Path runs, String name) throws IOException {
        Path dir = withHistory(runs, name, 2);
        SymbolicTensor a = Input.of("a", 3), b = Input.of("b", 2);
        SymbolicTensor h = dense("h", 4).call(a);
        SymbolicTensor r = new Add("r").call(h, dense("skip", 4).call(h));
        SymbolicTensor c = new Concatenate("c", -1).call(r, dense("side", 4).call(b));
        Functional model = Model.of(List.of(a, b), Map.of("main", dense("main", 1).call(c), "aux", dense("aux", 1).call(h))).seed(3);
        model.compile(Optimizers.adam(0.01), Losses.mse());
        ModelFile.save(dir.resolve("model.nabla"), new SavedModel(model, Map.of("task", "regression"), history(2), Map.of()));
        return dir;
    }

    private static Dense dense(String name, int units) {
        return new Dense(name, units, Activation.TANH, Initializers.glorotUniform(), Initializers.zeros(), true);
    }

    /** A run with its history and a real 2-4-1 model in model.nabla. */
    static Path withModel(Path runs, String name, int epochs) throws IOException {
        Path dir = withHistory(runs, name, epochs);
        Sequential model = new Sequential("model", new Dense(4, Activation.RELU), new Dense(1));
        model.seed(1);
        model.compile(Optimizers.adam(0.01), Losses.mse());
        model.buildFor(new int[] {1, 2});
        ModelFile.save(dir.resolve("model.nabla"), new SavedModel(model, Map.of("task", "regression"), history(epochs), Map.of("seed", 1L)));
        return dir;
    }
}
