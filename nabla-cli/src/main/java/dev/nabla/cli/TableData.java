package dev.nabla.cli;

import dev.nabla.data.Dataset;
import dev.nabla.data.Preprocessor;
import dev.nabla.data.Split;
import dev.nabla.data.Table;
import dev.nabla.tensor.Tensor;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * A CSV file read as a raw {@link Table} and turned into features by a {@link Preprocessor}: split 80 / 20 with the
 * seed first (stratified for classes, as {@link DataSource} splits), the preprocessor fitted on the training part
 * only (or the model's own when evaluating or resuming), then applied to both parts.
 */
record TableData(DataSource source, Preprocessor preprocessor, Tensor trainSampleWeights) {

    /** Reads {@code data}, fits the preprocessor {@code options} describe on its training part, and transforms both parts. */
    static TableData fit(String data, String targetOption, String task, TableOptions options, boolean scale, long seed, Consumer<String> warn) {
        Table all = Table.read(Path.of(data));
        String target = targetColumn(all, targetOption);
        Preprocessor.TargetKind kind = switch (task.toLowerCase(java.util.Locale.ROOT)) {
            case "classification" -> Preprocessor.TargetKind.CLASSES;
            case "regression" -> Preprocessor.TargetKind.VALUES;
            case "auto" -> Preprocessor.holdsClasses(all.column(target)) ? Preprocessor.TargetKind.CLASSES : Preprocessor.TargetKind.VALUES;
            default -> throw new IllegalArgumentException("--task: expected auto, classification or regression, got '" + task + "'");
        };
        Table[] parts = split(all, target, kind == Preprocessor.TargetKind.CLASSES, seed);
        Preprocessor pre = options.preprocessor(target, kind).scale(scale).fit(parts[0]);
        return transform(data, all, parts, pre, s -> {}, warn);
    }

    /** Reads {@code data} and transforms it with a model's fitted preprocessor, split as training split it. */
    static TableData apply(String data, Preprocessor pre, long seed, Consumer<String> note, Consumer<String> warn) {
        Table all = Table.read(Path.of(data));
        if (!all.has(pre.targetName())) {
            throw new IllegalArgumentException(all.source() + ": no column '" + pre.targetName() + "', the target the model was trained on; columns are " + all.names());
        }
        Table[] parts = split(all, pre.targetName(), pre.classNames() != null, seed);
        return transform(data, all, parts, pre, note, warn);
    }

    private static TableData transform(String data, Table all, Table[] parts, Preprocessor pre, Consumer<String> note, Consumer<String> warn) {
        Preprocessor.Transformed train = transformed(parts[0], pre, note, warn), test = parts[1] == null ? null : transformed(parts[1], pre, s -> {}, warn);
        String description = data + " (" + all.rows() + " rows" + (test != null ? "; " + parts[0].rows() + " train / " + parts[1].rows() + " test" : "") + ")";
        DataSource source = new DataSource(description, dataset(train, pre), test == null ? null : dataset(test, pre), pre.featureNames(), pre.targetName());
        return new TableData(source, pre, train.sampleWeights());
    }

    private static Preprocessor.Transformed transformed(Table t, Preprocessor pre, Consumer<String> note, Consumer<String> warn) {
        Preprocessor.Transformed tr = pre.transform(t);
        tr.notes().forEach(note);
        for (String w : tr.warnings()) warn.accept(t.source() + ": " + w);
        return tr;
    }

    private static Dataset dataset(Preprocessor.Transformed t, Preprocessor pre) {
        return new Dataset(t.x(), t.y(), pre.classNames());
    }

    /** {train, test} rows: 80 / 20 with the seed, stratified for classes (all rows are training below 5). */
    private static Table[] split(Table all, String target, boolean classes, long seed) {
        if (all.rows() < 5) return new Table[] {all, null};
        int[] strata = null;
        if (classes) {
            String[] cells = all.column(target);
            List<String> labels = Preprocessor.classLabels(cells);
            strata = new int[cells.length];
            for (int i = 0; i < cells.length; i++) strata[i] = labels.indexOf(cells[i].trim());
        }
        int[][] rows = Split.trainTestRows(all.rows(), strata, 0.2, seed);
        return new Table[] {all.subset(rows[0]), all.subset(rows[1])};
    }

    /**
     * Predicts from raw rows: the features of every row of {@code file} (the target column, if there, is not read),
     * with the notes (extra columns) and warnings (categories unseen in training) said.
     */
    static Dataset features(Path file, Preprocessor pre, Consumer<String> note, Consumer<String> warn) {
        Table t = Table.read(file);
        Preprocessor.Transformed tr = pre.features(t);
        tr.notes().forEach(note);
        for (String w : tr.warnings()) warn.accept(t.source() + ": " + w);
        return new Dataset(tr.x(), Tensor.zeros(t.rows()), pre.classNames());
    }

    /**
     * The data a saved model is evaluated or checked on: a CSV file through the model's own table preprocessor
     * (split as training split it), anything else as {@link DataSource} reads it.
     */
    static DataSource forModel(String data, Preprocessing pre, String target, long seed, picocli.CommandLine.Model.CommandSpec spec) {
        if (pre.table() != null && DataSource.isCsvFile(data)) return apply(data, pre.table(), seed, Main.notes(spec), warnings(spec)).source();
        return DataSource.forModel(pre, data, target != null ? target : pre.target(), seed);
    }

    /** One row of raw cells in the model's input columns' order (as {@code nabla explain --input} gives it), as features. */
    static Tensor row(Preprocessing pre, String cells) {
        Table t = Table.read(String.join(",", pre.table().inputColumns()) + "\n" + cells + "\n", "--input");
        return pre.apply(new Dataset(pre.table().features(t).x(), Tensor.zeros(1))).x();
    }

    /** What a fit of the training part trains on and validates with. */
    record Fit(Tensor x, Tensor y, Tensor weights, Dataset validation) {}

    /**
     * Holds out {@code fraction} of the training part for validation, stratified for classes (each class keeps its
     * share in both parts) and drawn with the seed; the weights stay with their rows.
     */
    static Fit holdOut(Dataset train, Tensor y, Tensor weights, boolean classes, double fraction, long seed) {
        if (fraction == 0) return new Fit(train.x(), y, weights, null);
        int n = train.size();
        int[] strata = null;
        if (classes) {
            strata = new int[n];
            float[] v = train.y().data();
            for (int i = 0; i < n; i++) strata[i] = Math.round(v[i]);
        }
        int[][] rows = Split.trainTestRows(n, strata, fraction, seed);
        Dataset fit = train.subset(rows[0]), val = train.subset(rows[1]);
        return new Fit(fit.x(), Dataset.rows(y, rows[0]), weights == null ? null : Dataset.rows(weights, rows[0]), new Dataset(val.x(), Dataset.rows(y, rows[1])));
    }

    /** Where a command warns about data it could still use (e.g. unseen categories): a line on stderr. */
    static Consumer<String> warnings(picocli.CommandLine.Model.CommandSpec spec) {
        java.io.PrintWriter err = spec.commandLine().getErr();
        return w -> {
            err.println("nabla: warning: " + w);
            err.flush();
        };
    }

    /** --target as a column name or 0-based index (negative from the end); default the last column. */
    private static String targetColumn(Table t, String option) {
        List<String> names = t.names();
        if (option == null) return names.get(names.size() - 1);
        if (option.matches("-?\\d+")) {
            int i = Integer.parseInt(option), at = i < 0 ? names.size() + i : i;
            if (at < 0 || at >= names.size()) throw new IllegalArgumentException("--target: column " + i + " out of range; " + t.source() + " has " + names.size() + " columns");
            return names.get(at);
        }
        if (!t.has(option)) throw new IllegalArgumentException("--target: " + t.source() + " has no column '" + option + "'; columns are " + names);
        return option;
    }
}
