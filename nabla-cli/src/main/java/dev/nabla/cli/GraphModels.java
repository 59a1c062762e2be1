package dev.nabla.cli;

import dev.nabla.train.Model;
import dev.nabla.train.ModelFile;
import dev.nabla.train.SavedModel;

import java.nio.file.Path;
import java.util.List;

/** The commands read one table (features and one target): how they meet models with several inputs or outputs. */
final class GraphModels {

    private GraphModels() {
    }

    /** Whether the model has more than one input or more than one output. */
    static boolean severalInputsOrOutputs(Model m) {
        return m.inputNames().size() > 1 || m.outputNames().size() > 1;
    }

    /**
     * Loads a model file for a command that reads one table, refusing a model with several inputs or outputs in one
     * line: {@code command}, the file, its inputs and outputs, then {@code supports} (what the command does instead,
     * e.g. "evaluate reads one table and supports one input and one output; use the Java API's Model.evaluate(Map, Map)").
     */
    static SavedModel loadOneInputOneOutput(String command, Path file, String supports) {
        SavedModel saved = ModelFile.load(file);
        if (severalInputsOrOutputs(saved.model())) throw refusal(command, file, saved.model(), supports);
        return saved;
    }

    static IllegalArgumentException refusal(String command, Path file, Model m, String supports) {
        return new IllegalArgumentException(command + ": " + file + " has " + count(m.inputNames(), "input") + " and "
                + count(m.outputNames(), "output") + "; " + supports);
    }

    /** "2 inputs (image, side)" */
    private static String count(List<String> names, String what) {
        return names.size() + " " + what + (names.size() == 1 ? "" : "s") + " (" + String.join(", ", names) + ")";
    }
}
