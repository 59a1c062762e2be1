package dev.nabla.cli;

import dev.nabla.data.Dataset;
import dev.nabla.nn.Activation;
import dev.nabla.nn.Loss;
import dev.nabla.nn.losses.Losses;
import dev.nabla.tensor.Tensor;
import dev.nabla.text.Tokenizer;

import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Classification or regression, inferred from the targets, or a language model (next-token prediction over texts,
 * asked for by name), and what follows from it (outputs, loss, targets).
 */
final class Tasks {

    enum Task {
        CLASSIFICATION, REGRESSION, LANGUAGE_MODEL;

        /** The task a model file's preprocessing names (classification when it names none, as older files). */
        static Task saved(Map<String, Object> preprocessing) {
            Object name = preprocessing.get("task");
            if (name == null) return CLASSIFICATION;
            for (Task t : values()) if (t.name().equalsIgnoreCase(String.valueOf(name))) return t;
            throw new IllegalArgumentException("model file: preprocessing.task: expected \"classification\", \"regression\" or \"language_model\", got \""
                    + name + "\"");
        }
    }

    /** Whether the --task option asks for a language model. */
    static boolean languageModel(String option) {
        return option.equalsIgnoreCase("language-model") || option.equalsIgnoreCase("language_model");
    }

    /** Above this many distinct integer targets, integers are read as a regression target. */
    private static final int MAX_CLASSES = 50;

    private Tasks() {}

    /**
     * "auto": classification when the targets are labels, or integers with at most 50 distinct values some of
     * which repeat (so 4 distinct salaries over 4 rows stay a regression); otherwise regression.
     */
    static Task infer(String option, Dataset d) {
        if (languageModel(option)) return Task.LANGUAGE_MODEL;
        switch (option.toLowerCase(Locale.ROOT)) {
            case "classification": return Task.CLASSIFICATION;
            case "regression": return Task.REGRESSION;
            case "auto": break;
            default: throw new IllegalArgumentException("--task: expected auto, classification, regression or language-model, got '" + option + "'");
        }
        if (d.classNames() != null) return Task.CLASSIFICATION;
        if (d.y().size() != d.size()) return Task.REGRESSION; // several target columns
        Set<Float> distinct = new HashSet<>();
        for (float v : d.y().data()) {
            if (v != Math.rint(v) || v < 0) return Task.REGRESSION;
            distinct.add(v);
        }
        return distinct.size() <= MAX_CLASSES && distinct.size() < d.size() ? Task.CLASSIFICATION : Task.REGRESSION;
    }

    /** Output units: the number of classes, or the number of target columns. */
    static int outputs(Task t, Dataset d) {
        if (t == Task.REGRESSION) return d.y().size() / d.size();
        if (d.classNames() != null) return d.classNames().size();
        int max = 0;
        for (float v : d.y().data()) max = Math.max(max, (int) v);
        return max + 1;
    }

    /**
     * Targets as the loss wants them: class indices [n] for classification, [n, k] values for regression, the next
     * token ids [n, time] of a language model as they are.
     */
    static Tensor targets(Task t, Dataset d) {
        int n = d.size();
        if (t == Task.LANGUAGE_MODEL) return d.y();
        return t == Task.CLASSIFICATION ? d.y().reshape(n) : d.y().reshape(n, d.y().size() / n);
    }

    /** The loss named by --loss, or the task's default; cross-entropies read logits when the output is linear. */
    static Loss loss(String name, Task t, Activation output) {
        boolean logits = output == Activation.LINEAR;
        if (t == Task.LANGUAGE_MODEL) {
            if (name != null) throw new IllegalArgumentException("--loss: a language model trains on cross-entropy over its steps; leave --loss out");
            // Cross-entropy of every step's logits, the padding steps (target id 0) left out of the mean.
            return Losses.sparseCategoricalCrossentropy(logits, Tokenizer.PAD);
        }
        if (name == null) return t == Task.CLASSIFICATION ? Losses.sparseCategoricalCrossentropy(logits) : Losses.mse();
        String key = name.toLowerCase(Locale.ROOT).replace('-', '_');
        switch (key) {
            case "sparse_categorical_crossentropy": case "scce": return Losses.sparseCategoricalCrossentropy(logits);
            case "mse": case "mae": case "huber": return Losses.fromConfig(key);
            default:
                throw new IllegalArgumentException("--loss: '" + name + "' is not available from the command line; use sparse_categorical_crossentropy,"
                        + " mse, mae or huber (class targets are indices)");
        }
    }
}
