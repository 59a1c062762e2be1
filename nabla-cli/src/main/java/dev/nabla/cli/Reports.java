package dev.nabla.cli;

import dev.nabla.data.Dataset;
import dev.nabla.data.Preprocessor;
import dev.nabla.io.AtomicFiles;
import dev.nabla.io.Json;
import dev.nabla.tensor.Tensor;
import dev.nabla.train.Model;
import dev.nabla.train.metrics.ClassificationReport;
import dev.nabla.train.metrics.RegressionReport;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The report people read at the end of {@code nabla train} and from {@code nabla evaluate}: scikit-learn's
 * classification report with the AUCs and the confusion matrix for classes, MAE / RMSE / R² for values; and the
 * JSON that scripts read.
 */
final class Reports {

    private Reports() {}

    /** One part's report: exactly one of the two is set. */
    record Report(ClassificationReport classification, RegressionReport regression) {
        @Override
        public String toString() {
            return classification != null ? classification.toString() : regression.toString();
        }

        Map<String, Object> toMap() {
            return finite(classification != null ? classification.toMap() : regression.toMap());
        }
    }

    /**
     * The report of the model's predictions on {@code d}; classes are named by {@code classNames} (indices when null);
     * {@code table} (or null) turns scaled values back into the file's units.
     */
    static Report of(Model model, Dataset d, Tasks.Task task, List<String> classNames, Preprocessor table) {
        Tensor p = model.predict(d.x());
        Tensor y = Tasks.targets(task, d);
        if (task == Tasks.Task.REGRESSION) {
            return new Report(null, table == null ? RegressionReport.of(y, p) : RegressionReport.of(table.inverseTarget(y), table.inverseTarget(p)));
        }
        List<String> labels = classNames;
        if (labels == null) {
            labels = new ArrayList<>();
            for (int k = 0; k < p.size() / p.dim(0); k++) labels.add(String.valueOf(k));
        }
        return new Report(ClassificationReport.of(y, p, labels), null);
    }

    /**
     * The end of {@code nabla train}: the test part's report printed, {@code confusion.png} in {@code dir} for classes,
     * and with {@code json} the final metrics by part ({@code finals}) and the report as JSON; returns the files written.
     */
    static List<Path> afterTraining(PrintWriter out, Path dir, Model model, Dataset test, Tasks.Task task, List<String> classNames, Preprocessor table,
            Map<String, Object> finals, Path json) {
        List<Path> written = new ArrayList<>();
        Map<String, Object> content = new LinkedHashMap<>(finals);
        if (test != null && task != Tasks.Task.LANGUAGE_MODEL) { // a language model prints its own report
            content.put("test", model.evaluate(test.x(), Tasks.targets(task, test)));
            Report report = of(model, test, task, classNames, table);
            out.println();
            out.println("Test report (" + test.size() + " rows)");
            out.print(report);
            if (report.classification() != null) {
                Path confusion = dir.resolve("confusion.png");
                List<String> labels = report.classification().rows().stream().map(ClassificationReport.ClassRow::label).toList();
                AtomicFiles.write(confusion, Plots.confusionPng(report.classification().confusionMatrix(), labels));
                written.add(confusion);
            }
            content.put("test_report", report.toMap());
        }
        if (json != null) {
            writeJson(json, content);
            written.add(json);
        }
        return written;
    }

    /** Writes {@code content} as pretty JSON to {@code file}, all at once (no half-written file on a crash). */
    static void writeJson(Path file, Map<String, Object> content) {
        AtomicFiles.write(file, (Json.writePretty(finite(content)) + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** The map with NaN and infinities as null (JSON has no such numbers; an AUC of a class with no sample is NaN). */
    @SuppressWarnings("unchecked")
    static Map<String, Object> finite(Map<String, ?> m) {
        Map<String, Object> out = new LinkedHashMap<>();
        m.forEach((k, v) -> {
            if (v instanceof Double d && !Double.isFinite(d)) out.put(k, null);
            else if (v instanceof Map<?, ?> inner) out.put(k, finite((Map<String, ?>) inner));
            else out.put(k, v);
        });
        return out;
    }
}
