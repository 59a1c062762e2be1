package dev.nabla.cli;

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
        out.println(saved.model().summary());
        if (saved.model().loss() != null) out.println("Loss: " + saved.model().loss().name());
        if (saved.model().optimizer() != null) {
            out.println("Optimizer: " + saved.model().optimizer().config().get("type") + ", " + saved.model().optimizer().iterations() + " steps taken");
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
}
