package dev.nabla.cli;

import dev.nabla.data.CsvReader;
import dev.nabla.data.Dataset;
import dev.nabla.io.AtomicFiles;
import dev.nabla.kernels.Probabilities;
import dev.nabla.tensor.Tensor;
import dev.nabla.train.SavedModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

@Command(name = "predict", description = {"Predict every row of a CSV file with a saved model.",
        "Writes one row per input: the class and each class's probability (or the predicted values)."})
final class PredictCommand implements Runnable {

    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL", description = "A model file written by nabla train.")
    Path modelFile;

    @Option(names = "--data", required = true, description = "CSV file with a header; a column named like the model's target is ignored."
            + " A text model reads the column it was trained on, raw texts.")
    Path data;

    @Option(names = "--out", description = "Output CSV (default: standard output).")
    Path outFile;

    @Override
    public void run() {
        SavedModel saved = GraphModels.loadOneInputOneOutput("predict", modelFile,
                "predict reads one CSV, writes one table and supports one input and one output; use the Java API's Model.predict(Map)");
        Preprocessing pre = Preprocessing.of(saved);
        if (pre.task() == Tasks.Task.LANGUAGE_MODEL) {
            throw new IllegalArgumentException("predict: " + modelFile + " is a language model; sample texts from it with: nabla generate " + modelFile);
        }
        if (!Files.isRegularFile(data)) throw new IllegalArgumentException("--data: " + data + " is not a file");
        Dataset d;
        if (pre.tokenizer() != null) {
            if (pre.textColumn() == null) {
                throw new IllegalArgumentException("predict: " + modelFile + " has a tokenizer but names no text column (preprocessing.text_column);"
                        + " save it with one, as nabla train --text-column does");
            }
            // Raw texts, tokenized as the model's training texts were.
            Tensor ids = pre.tokenizer().encode(CsvReader.withHeader().noTarget().readText(data, pre.textColumn()).texts());
            d = new Dataset(ids, Tensor.zeros(ids.dim(0)));
        } else if (pre.table() != null) {
            d = pre.apply(TableData.features(data, pre.table(), Main.notes(spec), TableData.warnings(spec))); // raw rows, by column name
        } else {
            CsvReader.CsvData csv = readFeatures(pre);
            d = pre.apply(csv.dataset(), csv.featureNames(), data.toString(), Main.notes(spec));
        }
        Tensor p = saved.model().predict(d.x());
        if (pre.table() != null && pre.task() == Tasks.Task.REGRESSION) p = pre.table().inverseTarget(p); // in the file's units
        String text = format(p, pre);
        if (outFile == null) {
            PrintWriter out = spec.commandLine().getOut();
            out.print(text);
            out.flush();
        } else {
            AtomicFiles.write(outFile, text.getBytes(StandardCharsets.UTF_8));
            spec.commandLine().getOut().println("Wrote " + d.size() + " predictions to " + outFile);
        }
    }

    /** All columns are features, except one named like the model's target if the file has it. */
    private CsvReader.CsvData readFeatures(Preprocessing pre) {
        if (pre.target() != null) {
            try {
                // The labels are not needed (and may cover only some classes): keep the features only.
                CsvReader.CsvData csv = CsvReader.withHeader().target(pre.target()).read(data);
                Tensor x = csv.dataset().x();
                return new CsvReader.CsvData(new Dataset(x, Tensor.zeros(x.dim(0))), csv.featureNames(), null);
            } catch (IllegalArgumentException e) {
                if (!e.getMessage().contains("no target column")) throw e;
            }
        }
        return CsvReader.withHeader().noTarget().read(data);
    }

    private static String format(Tensor p, Preprocessing pre) {
        StringBuilder sb = new StringBuilder();
        int n = p.dim(0), k = p.size() / n;
        float[] v = p.data();
        if (pre.task() == Tasks.Task.CLASSIFICATION) {
            List<String> names = pre.classNames();
            sb.append("class");
            for (int j = 0; j < k; j++) sb.append(",p_").append(names != null ? names.get(j) : String.valueOf(j));
            sb.append('\n');
            for (int i = 0; i < n; i++) {
                int best = 0;
                for (int j = 1; j < k; j++) if (v[i * k + j] > v[i * k + best]) best = j;
                sb.append(names != null ? names.get(best) : String.valueOf(best));
                double[] probs = Probabilities.of(v, i * k, k);
                for (double q : probs) sb.append(String.format(Locale.ROOT, ",%.6f", q));
                sb.append('\n');
            }
        } else {
            for (int j = 0; j < k; j++) sb.append(j == 0 ? "" : ",").append(k == 1 ? "prediction" : "prediction_" + j);
            sb.append('\n');
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < k; j++) sb.append(j == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.6f", v[i * k + j]));
                sb.append('\n');
            }
        }
        return sb.toString();
    }
}
