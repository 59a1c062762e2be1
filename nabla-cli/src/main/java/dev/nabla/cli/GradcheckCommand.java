package dev.nabla.cli;

import dev.nabla.data.Dataset;
import dev.nabla.explain.GradientCheck;
import dev.nabla.tensor.Tensor;
import dev.nabla.train.Model;
import dev.nabla.train.ModelFile;
import dev.nabla.train.SavedModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;

@Command(name = "gradcheck", description = {"Check a saved model's gradients against central differences, parameter by parameter,",
        "on a few rows of data: the worst relative error of each (float32: around 1e-3 or below is right)."})
final class GradcheckCommand implements Runnable {

    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL", description = "A model file written by nabla train.")
    Path modelFile;

    @Option(names = "--data", required = true, description = "Built-in name, CSV file or IDX directory (its first rows are used).")
    String data;

    @Option(names = "--rows", description = "Rows of data in the checked batch (default: 8).")
    int rows = 8;

    @Option(names = "--elements", description = "Elements checked per weight (default: 20).")
    int elements = 20;

    @Override
    public void run() {
        SavedModel saved = ModelFile.load(modelFile);
        Model model = saved.model();
        if (model.loss() == null) throw new IllegalArgumentException(modelFile + ": saved without a loss; nothing to differentiate");
        Preprocessing pre = Preprocessing.of(saved);
        DataSource source = DataSource.load(data, pre.target(), pre.images(), 42);
        Dataset d = pre.apply(source.train());
        int n = Math.min(Math.max(rows, 1), d.size());
        Tensor x = d.x().slice(0, 0, n).detach(), y = Tasks.targets(pre.task(), d).slice(0, 0, n).detach();
        model.setTraining(false);
        List<GradientCheck.Result> results = GradientCheck.of(model, () -> model.loss().apply(y, model.apply(x)), Math.max(1, elements));
        PrintWriter out = spec.commandLine().getOut();
        out.println("Gradient check of " + modelFile + " on " + n + " rows of " + source.description() + ", loss " + model.loss().name());
        for (GradientCheck.Result r : results) out.println("  " + r);
        long wrong = results.stream().filter(r -> !r.passed()).count();
        out.println(wrong == 0 ? "All gradients agree with central differences." : wrong + " parameter(s) disagree: check their layers' backward rules.");
        out.flush();
    }
}
