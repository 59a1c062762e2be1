package dev.nabla.cli;

import dev.nabla.data.Preprocessor;
import dev.nabla.tensor.Tensor;
import dev.nabla.train.SampleWeights;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** How {@code nabla train} reads the columns of a CSV table, and how it weighs its rows. */
final class TableOptions {

    @Option(names = "--categorical", split = ",", paramLabel = "COLUMN",
            description = "Columns to treat as categories even when they hold numbers (e.g. zip,grade). Text columns are categories anyway.")
    List<String> categorical = new ArrayList<>();

    @Option(names = "--drop", split = ",", paramLabel = "COLUMN", description = "Columns to leave out (e.g. id,name).")
    List<String> drop = new ArrayList<>();

    @Option(names = "--missing-values", paramLabel = "LIST",
            description = "Cell values meaning 'missing', comma-separated (default: NA,NaN,?); an empty cell is always missing.")
    String missingValues;

    @Option(names = "--impute", paramLabel = "HOW",
            description = "Fill for missing numbers: mean (default), median or constant:VALUE, from the training rows. Missing categories are a category.")
    String impute = "mean";

    @Option(names = "--missing-indicators", description = "Add a 0/1 <column>_missing feature for each numeric column with missing cells.")
    boolean missingIndicators;

    @Option(names = "--max-one-hot", paramLabel = "N",
            description = "Most categories a column is one-hot encoded with (default: 20); a column with more gets an embedding."
                    + " Categories unseen in training count as unknown.")
    int maxOneHot = 20;

    @Option(names = "--embedding-dim", paramLabel = "N",
            description = "Size of each many-category column's embedding (default: min(50, ceil(1.6 * n^0.56)) for n categories, fast.ai's rule).")
    int embeddingDim = 0;

    @Option(names = "--class-weight", paramLabel = "WEIGHTS",
            description = "balanced (n / (classes * count), as scikit-learn), or per class: LABEL=W,... e.g. 0=1,1=5 (others weigh 1).")
    String classWeight;

    @Option(names = "--sample-weight", paramLabel = "COLUMN", description = "A column of non-negative per-row weights in the loss (not a feature).")
    String sampleWeight;

    /** The preprocessor these options describe, not yet fitted. */
    Preprocessor preprocessor(String target, Preprocessor.TargetKind kind) {
        Preprocessor p = Preprocessor.target(target).targetKind(kind).maxOneHot(maxOneHot).missingIndicators(missingIndicators)
                .categorical(categorical.toArray(new String[0])).drop(drop.toArray(new String[0]));
        if (missingValues != null) {
            List<String> markers = new ArrayList<>(List.of(""));
            for (String m : missingValues.split(",", -1)) if (!m.isEmpty()) markers.add(m.trim());
            p.missingValues(markers);
        }
        String how = impute.toLowerCase(Locale.ROOT);
        if (how.equals("mean")) p.impute(Preprocessor.Impute.MEAN);
        else if (how.equals("median")) p.impute(Preprocessor.Impute.MEDIAN);
        else if (how.startsWith("constant:")) p.imputeConstant(number("--impute", impute.substring("constant:".length())));
        else throw new IllegalArgumentException("--impute: expected mean, median or constant:VALUE, got '" + impute + "'");
        if (sampleWeight != null) p.sampleWeight(sampleWeight);
        return p;
    }

    /** Whether training rows are weighted by these options. */
    boolean weighted() {
        return classWeight != null || sampleWeight != null;
    }

    /**
     * Each training row's weight: its --sample-weight times its class's --class-weight (either may be absent);
     * null when neither is given. {@code classes} are the training targets, named by {@code classNames}.
     */
    Tensor weights(Tensor classes, List<String> classNames, Tensor sampleWeights) {
        Tensor w = sampleWeights;
        if (classWeight != null) {
            if (classNames == null) throw new IllegalArgumentException("--class-weight: the target holds values (regression), not classes");
            Map<Integer, Double> byClass = classWeight.equalsIgnoreCase("balanced") ? SampleWeights.balancedClassWeights(classes) : explicit(classNames);
            Tensor cw = SampleWeights.ofClasses(classes, byClass);
            w = w == null ? cw : w.mul(cw);
        }
        return w;
    }

    /** {@code LABEL=W,...}: a label is a class name, or else a class index. */
    private Map<Integer, Double> explicit(List<String> classNames) {
        Map<Integer, Double> byClass = new LinkedHashMap<>();
        for (String pair : classWeight.split(",")) {
            int eq = pair.lastIndexOf('=');
            if (eq <= 0) throw new IllegalArgumentException("--class-weight: expected balanced or LABEL=WEIGHT,..., got '" + pair + "'");
            String label = pair.substring(0, eq).trim();
            int k = classNames.indexOf(label);
            if (k < 0 && label.matches("\\d+") && Integer.parseInt(label) < classNames.size()) k = Integer.parseInt(label);
            if (k < 0) throw new IllegalArgumentException("--class-weight: no class '" + label + "'; the classes are " + classNames);
            double w = number("--class-weight", pair.substring(eq + 1));
            if (w < 0) throw new IllegalArgumentException("--class-weight: the weight of class '" + label + "' must not be negative, got " + w);
            byClass.put(k, w);
        }
        return byClass;
    }

    private static double number(String option, String text) {
        try {
            double v = Double.parseDouble(text.trim());
            if (Double.isFinite(v)) return v;
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(option + ": expected a number, got '" + text + "'");
    }
}
