package dev.nabla.cli;

import dev.nabla.data.Dataset;
import dev.nabla.data.Preprocessor;
import dev.nabla.data.Scaler;
import dev.nabla.text.Tokenizer;
import dev.nabla.train.SavedModel;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Applies what a model file says about its inputs (task, scaler, class names, feature columns; for a text model its
 * tokenizer and text column; for a CSV table its fitted {@link Preprocessor}) to new data.
 */
record Preprocessing(Tasks.Task task, Scaler scaler, List<String> classNames, boolean images, String target, List<String> featureNames,
        long splitSeed, Tokenizer tokenizer, String textColumn, Preprocessor table) {

    static Preprocessing of(SavedModel saved) {
        Map<String, Object> p = saved.preprocessing();
        Tasks.Task task = Tasks.Task.saved(p);
        Scaler scaler = p.get("scaler") instanceof Map<?, ?> m ? Scaler.fromConfig(m) : null;
        List<String> names = p.get("class_names") instanceof List<?> l ? TrainCommand.toStrings(l) : null;
        List<String> features = p.get("feature_names") instanceof List<?> l ? TrainCommand.toStrings(l) : null;
        // The seed that split the data into train and test parts (nabla train's default for older files).
        long splitSeed = p.get("split") instanceof Map<?, ?> split && split.get("seed") instanceof Number n ? n.longValue() : 42;
        // A CSV table's column types, fill values, categories and scaling (files written before it have none).
        Preprocessor table = p.get("table") instanceof Map<?, ?> m ? Preprocessor.fromConfig(m, "preprocessing.table") : null;
        return new Preprocessing(task, scaler, names, "image".equals(p.get("input")), p.get("target") == null ? null : String.valueOf(p.get("target")),
                features, splitSeed, Tokenizer.of(saved), p.get("text_column") == null ? null : String.valueOf(p.get("text_column")), table);
    }

    /**
     * The model's features taken from {@code d} by name, in the model's order, then scaled: {@code columns} names
     * d's columns as read from {@code origin}. A missing feature is refused; other columns are left out, and
     * {@code note} hears which. Without names on either side (built-in or IDX data, older model files) the columns
     * are taken in their order.
     */
    Dataset apply(Dataset d, List<String> columns, String origin, Consumer<String> note) {
        if (featureNames == null || columns == null) return apply(d);
        int[] index = new int[featureNames.size()];
        for (int k = 0; k < index.length; k++) {
            index[k] = columns.indexOf(featureNames.get(k));
            if (index[k] < 0) {
                throw new IllegalArgumentException(origin + ": no column '" + featureNames.get(k) + "', which the model reads (its features: "
                        + String.join(", ", featureNames) + ")");
            }
        }
        List<String> extra = new ArrayList<>(columns);
        extra.removeAll(featureNames);
        if (!extra.isEmpty()) note.accept(origin + ": column(s) " + String.join(", ", extra) + " are not features of the model; ignored");
        return apply(d.withX(d.x().indexSelect(1, index)));
    }

    Dataset apply(Dataset d) {
        if (classNames != null && d.classNames() != null && !classNames.equals(d.classNames())) {
            throw new IllegalArgumentException("the data's classes " + d.classNames() + " differ from the model's " + classNames);
        }
        return scaler == null ? d : d.withX(scaler.transform(d.x()));
    }
}
