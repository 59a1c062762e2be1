package dev.nabla.cli;

import dev.nabla.nn.SymbolicTensor;
import dev.nabla.train.Functional;
import dev.nabla.train.Model;
import dev.nabla.train.ModelFile;
import dev.nabla.train.SavedModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.StringJoiner;

@Command(name = "summary", description = "Show a saved model: layers, parameters, loss, optimizer and training history.")
final class SummaryCommand implements Runnable {

    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL", description = "A model file written by nabla train.")
    Path modelFile;

    @Override
    public void run() {
        SavedModel saved = ModelFile.load(modelFile);
        PrintWriter out = spec.commandLine().getOut();
        Model model = saved.model();
        out.println(model.summary());
        if (GraphModels.severalInputsOrOutputs(model)) {
            out.println("Inputs: " + inputs(model));
            out.println("Outputs: " + String.join(", ", model.outputNames()));
            if (!model.losses().isEmpty()) out.println("Losses: " + outputLosses(model));
        } else if (model.loss() != null) {
            out.println("Loss: " + model.loss().name());
        }
        if (model.optimizer() != null) {
            out.println("Optimizer: " + model.optimizer().config().get("type") + ", " + model.optimizer().iterations() + " steps taken");
        }
        Map<String, Object> m = saved.metadata();
        for (String k : new String[] {"nabla_version", "created", "seed", "data", "epochs_completed"}) {
            if (m.get(k) != null) out.println(k.replace('_', ' ') + ": " + m.get(k));
        }
        if (saved.history() != null && saved.history().epochs() > 0) {
            StringBuilder sb = new StringBuilder("last epoch:");
            saved.history().metrics().forEach((k, v) -> {
                if (!k.contains("/")) sb.append(String.format(java.util.Locale.ROOT, " %s %.4f", k, v.get(v.size() - 1)));
            });
            out.println(sb);
        }
        out.flush();
    }

    /** "image [None, 28, 28], side [None, 3]": a graph's inputs with their shapes; another model's names. */
    private static String inputs(Model model) {
        if (!(model instanceof Functional graph)) return String.join(", ", model.inputNames());
        StringJoiner sj = new StringJoiner(", ");
        for (SymbolicTensor in : graph.inputs()) sj.add(in.toString());
        return sj.toString();
    }

    /** "aux mean_absolute_error (weight 0.5), main mean_squared_error (weight 1.0)" */
    private static String outputLosses(Model model) {
        StringJoiner sj = new StringJoiner(", ");
        model.losses().forEach((out, loss) -> sj.add(out + " " + loss.name() + " (weight " + model.lossWeights().get(out) + ")"));
        return sj.toString();
    }
}
