package dev.nabla.cli;

import dev.nabla.data.Dataset;
import dev.nabla.explain.GradientCheck;
import dev.nabla.tensor.Tensor;
import dev.nabla.train.Model;
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
import java.util.concurrent.Callable;

@Command(name = "gradcheck", description = {"Check a saved model's gradients against central differences, parameter by parameter.",
        "On a few rows of data it prints the worst relative error of each (float32: around 1e-3 or below is right);",
        "elements whose difference float32 cannot resolve (a kink, a tiny gradient) are counted as not checked."})
final class GradcheckCommand implements Callable<Integer> {

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
    public Integer call() {
        SavedModel saved = GraphModels.loadOneInputOneOutput("gradcheck", modelFile, "gradcheck reads one table (one target column) and supports one input"
                + " and one output; check the weighted total loss with the Java API's GradientCheck.of(model, () -> loss)");
        Model model = saved.model();
        if (model.loss() == null) throw new IllegalArgumentException(modelFile + ": saved without a loss; nothing to differentiate");
        Preprocessing pre = Preprocessing.of(saved);
        DataSource source = TableData.forModel(data, pre, null, 42, spec);
        Dataset d = pre.apply(source.train(), source.featureNames(), data, Main.notes(spec));
        int n = Math.min(Math.max(rows, 1), d.size());
        Tensor x = d.x().slice(0, 0, n).detach(), y = Tasks.targets(pre.task(), d).slice(0, 0, n).detach();
        model.setTraining(false);
        List<GradientCheck.Result> results = GradientCheck.of(model, () -> model.loss().apply(y, model.apply(x)), Math.max(1, elements));
        PrintWriter out = spec.commandLine().getOut();
        out.println("Gradient check of " + modelFile + " on " + n + " rows of " + source.description() + ", loss " + model.loss().name());
        int exit = report(results, out);
        out.flush();
        return exit;
    }

    /**
     * Prints each parameter's result and the verdict; returns the exit code: 0 when every parameter was checked and
     * agrees, else 1 (a disagreement, or a parameter none of whose elements could be checked).
     */
    static int report(List<GradientCheck.Result> results, PrintWriter out) {
        for (GradientCheck.Result r : results) out.println("  " + r);
        int sampled = 0, checked = 0;
        for (GradientCheck.Result r : results) {
            sampled += r.sampled();
            checked += r.checked();
        }
        String counts = checked + " of " + sampled + " sampled elements checked";
        long wrong = results.stream().filter(GradientCheck.Result::disagrees).count();
        long unchecked = results.stream().filter(r -> r.checked() == 0).count();
        if (wrong > 0) {
            out.println(wrong + " parameter(s) disagree with central differences (" + counts + "): check their layers' backward rules.");
            return 1;
        }
        if (checked == 0) {
            out.println("Nothing verified: no element could be checked (" + counts + "; each sat next to a kink such as ReLU at 0,"
                    + " or its gradient was too small for the float32 loss to resolve);"
                    + " try other rows (--data, --rows) or more --elements.");
            return 1;
        }
        if (unchecked > 0) {
            out.println(unchecked + " parameter(s) not verified: no element of theirs could be checked (" + counts + ");"
                    + " try other rows (--data, --rows) or more --elements.");
            return 1;
        }
        out.println("All gradients agree with central differences: " + counts + ".");
        return 0;
    }
}
