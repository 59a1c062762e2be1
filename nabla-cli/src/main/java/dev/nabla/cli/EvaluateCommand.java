package dev.nabla.cli;

import dev.nabla.data.Dataset;
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
import java.util.LinkedHashMap;
import java.util.Map;

@Command(name = "evaluate", description = "Loss and metrics of a saved model on data (its test part when it has one).")
final class EvaluateCommand implements Runnable {

    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL", description = "A model file written by nabla train.")
    Path modelFile;

    @Option(names = "--data", required = true, description = "Built-in name, CSV file or IDX directory.")
    String data;

    @Option(names = "--target", description = "CSV target column: name or index (default: the one the model was trained on, else the last).")
    String target;

    @Option(names = "--seed", description = "Seed of the train/test split of a CSV file (default: the one the model was trained with, else 42).")
    Long seed;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the metrics and the report as JSON.")
    Path json;

    @Override
    public void run() {
        SavedModel saved = GraphModels.loadOneInputOneOutput("evaluate", modelFile,
                "evaluate reads one table and supports one input and one output; use the Java API's Model.evaluate(Map, Map)");
        Model model = saved.model();
        if (model.loss() == null) throw new IllegalArgumentException(modelFile + ": saved without a loss; nothing to evaluate against");
        Preprocessing pre = Preprocessing.of(saved);
        long splitSeed = seed != null ? seed : pre.splitSeed();
        DataSource source = TableData.forModel(data, pre, target, splitSeed, spec);
        Dataset d = pre.apply(source.test() != null ? source.test() : source.train(), source.featureNames(), data, Main.notes(spec));
        PrintWriter out = spec.commandLine().getOut();
        out.println("Evaluating " + modelFile + " on " + source.description() + (source.test() != null ? ", test part" : ""));
        Map<String, Double> metrics = model.evaluate(d.x(), Tasks.targets(pre.task(), d));
        TrainCommand.report(out, source.test() != null ? "test" : "data", metrics);
        Reports.Report report = Reports.of(model, d, pre.task(), pre.classNames(), pre.table());
        out.println();
        out.print(report);
        if (json != null) {
            Map<String, Object> content = new LinkedHashMap<>();
            content.put("part", source.test() != null ? "test" : "data");
            content.put("metrics", metrics);
            content.put("report", report.toMap());
            Reports.writeJson(json, content);
            out.println("Wrote " + json);
        }
        out.flush();
    }
}
