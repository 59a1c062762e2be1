package dev.nabla.data;

import dev.nabla.io.JsonFields;
import dev.nabla.tensor.Tensor;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Turns a raw {@link Table} into features and targets, as a scikit-learn ColumnTransformer would, fitted on the
 * training rows only and then applied unchanged to validation, test and prediction tables:
 * <ul>
 * <li>each column is inferred from the training rows as numeric (every present cell a finite number), a date
 * (every present cell {@code yyyy-mm-dd}: three numeric features year, month, day) or categorical (anything
 * else, or named with {@link #categorical}); {@link #drop} leaves columns out;</li>
 * <li>missing cells (by default empty, {@code NA}, {@code NaN}, {@code ?}) of a numeric or date column are imputed
 * with the training mean, median or a constant, optionally with a 0/1 {@code <name>_missing} indicator feature;
 * in a categorical column they are a category of their own, {@code (missing)};</li>
 * <li>a categorical column with at most {@link #maxOneHot} categories becomes one-hot features
 * {@code <name>=<category>}; one with more becomes one integer index feature for an Embedding (0: unknown,
 * 1: missing, 2 + i: the i-th category, see {@link #embeddingInputs()}); a category not seen in training maps to
 * the unknown bucket (all zeros for one-hot) and {@link Transformed#unseen()} counts it per column;</li>
 * <li>numeric and date features are standard-scaled (training mean 0, standard deviation 1);</li>
 * <li>the target becomes class indices (labels in sorted order, numbers in numeric order) or values, which are
 * standard-scaled too when scaling is on (a price in the hundreds of thousands would otherwise take a network many
 * epochs to reach); {@link #inverseTarget} turns predictions back into the file's units.</li>
 * </ul>
 * A table is matched by column name, so a reordered one works, an extra column is ignored (a note says so) and a
 * missing one is refused naming it. {@link #config()} saves everything fitted; {@link #fromConfig} restores it.
 *
 * <pre>{@code
 * Table table = Table.read("color,size,label\nred,1.5,yes\n,2.5,no\nblue,NA,yes\nred,3,no\n", "toy.csv");
 * Preprocessor pre = Preprocessor.target("label").fit(table);
 * Preprocessor.Transformed t = pre.transform(table);
 * Tensor x = t.x(), y = t.y();       // x [4, 4]: color=blue, color=red, color=(missing), size
 * String first = pre.className(0);   // "no"
 * }</pre>
 */
public final class Preprocessor {

    public enum Impute { MEAN, MEDIAN, CONSTANT }

    /** What the target holds: {@code AUTO} decides from the training rows as {@link #fit} says. */
    public enum TargetKind { AUTO, CLASSES, VALUES }

    /** The default missing-value markers. */
    public static final List<String> DEFAULT_MISSING = List.of("", "NA", "NaN", "?");

    /** Above this many distinct integers a numeric target is read as values (regression). */
    private static final int MAX_INTEGER_CLASSES = 50;
    private static final Pattern ISO_DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
    private static final String MISSING_CATEGORY = "(missing)";
    private static final String[] DATE_PARTS = {"year", "month", "day"};

    enum Kind { NUMERIC, DATE, ONE_HOT, INDEX }

    /** One fitted input column and the features it becomes. */
    private static final class Column {
        String name;
        Kind kind;
        /** Imputed value per numeric part (1, or 3 for a date). */
        double[] fill;
        boolean indicator;
        /** Scaling per numeric part. */
        double[] mean;
        double[] std;
        List<String> categories;
        boolean missingCategory;
        int missingInTraining;
    }

    /** The features and targets of a table, with what it held that training had not seen. */
    public record Transformed(Tensor x, Tensor y, Tensor sampleWeights, Map<String, Integer> unseen, List<String> notes) {
        /** One line per column with unseen categories, for a warning. */
        public List<String> warnings() {
            List<String> w = new ArrayList<>();
            unseen.forEach((col, n) -> w.add("column '" + col + "': " + n + " value(s) not seen in training, mapped to the unknown category"));
            return w;
        }
    }

    // Settings
    private final String target;
    private TargetKind targetKind = TargetKind.AUTO;
    private final Set<String> categorical = new LinkedHashSet<>();
    private final Set<String> drop = new LinkedHashSet<>();
    private List<String> missingValues = DEFAULT_MISSING;
    private Impute impute = Impute.MEAN;
    private double imputeConstant;
    private boolean missingIndicators;
    private int maxOneHot = 20;
    private boolean scale = true;
    private String sampleWeight;

    // Fitted
    private List<Column> columns;
    private List<String> classNames;
    /** Scaling of a values target (mean 0, std 1 when not scaled). */
    private double targetMean;
    private double targetStd = 1;

    private Preprocessor(String target) {
        this.target = target;
    }

    /** A preprocessor predicting column {@code target} (null: features only, no target). */
    public static Preprocessor target(String target) {
        return new Preprocessor(target);
    }

    public Preprocessor targetKind(TargetKind kind) {
        this.targetKind = kind;
        return this;
    }

    /** Columns to treat as categories even when they hold numbers (e.g. zip codes, small integer codes). */
    public Preprocessor categorical(String... names) {
        categorical.addAll(Arrays.asList(names));
        return this;
    }

    /** Columns to leave out (ids, free text). */
    public Preprocessor drop(String... names) {
        drop.addAll(Arrays.asList(names));
        return this;
    }

    /** The cell values (compared after trimming) that mean "missing"; default {@link #DEFAULT_MISSING}. */
    public Preprocessor missingValues(List<String> markers) {
        this.missingValues = List.copyOf(markers);
        return this;
    }

    /** How missing numbers are filled: the training mean (default) or median. */
    public Preprocessor impute(Impute how) {
        if (how == Impute.CONSTANT) throw new IllegalArgumentException("Preprocessor.impute: give the constant with imputeConstant(value)");
        this.impute = how;
        return this;
    }

    public Preprocessor imputeConstant(double value) {
        if (!Double.isFinite(value)) throw new IllegalArgumentException("Preprocessor.imputeConstant: must be finite, got " + value);
        this.impute = Impute.CONSTANT;
        this.imputeConstant = value;
        return this;
    }

    /** Adds a 0/1 {@code <name>_missing} feature for each numeric or date column with missing cells in training. */
    public Preprocessor missingIndicators(boolean on) {
        this.missingIndicators = on;
        return this;
    }

    /** Categorical columns with more categories than this become an index feature for an Embedding (default 20). */
    public Preprocessor maxOneHot(int n) {
        if (n < 1) throw new IllegalArgumentException("Preprocessor.maxOneHot: must be at least 1, got " + n);
        this.maxOneHot = n;
        return this;
    }

    /** Standard-scale numeric and date features (default on). */
    public Preprocessor scale(boolean on) {
        this.scale = on;
        return this;
    }

    /** A column of per-row sample weights: not a feature; {@link Transformed#sampleWeights()} holds it. */
    public Preprocessor sampleWeight(String column) {
        this.sampleWeight = column;
        return this;
    }

    /** Learns every column's type, fill values, categories and scaling, and the target's classes, from {@code train}. */
    public Preprocessor fit(Table train) {
        for (String name : concat(categorical, drop, sampleWeight == null ? Set.of() : Set.of(sampleWeight))) {
            if (!train.has(name)) throw new IllegalArgumentException(train.source() + ": no column '" + name + "'; columns are " + train.names());
        }
        if (target != null) {
            if (!train.has(target)) throw new IllegalArgumentException(train.source() + ": no target column '" + target + "'; columns are " + train.names());
            if (drop.contains(target)) throw new IllegalArgumentException("Preprocessor: the target '" + target + "' is also dropped");
            fitTarget(train);
        }
        List<Column> fitted = new ArrayList<>();
        for (String name : train.names()) {
            if (name.equals(target) || drop.contains(name) || name.equals(sampleWeight)) continue;
            fitted.add(fitColumn(train, name));
        }
        if (fitted.isEmpty()) throw new IllegalArgumentException(train.source() + ": no feature columns left (all are dropped or the target)");
        columns = fitted;
        return this;
    }

    /**
     * Whether target cells hold classes: labels, or non-negative integers with at most 50 distinct values some of
     * which repeat (so 4 distinct salaries over 4 rows stay values); the rule {@link TargetKind#AUTO} applies.
     */
    public static boolean holdsClasses(String[] cells) {
        boolean numeric = true, integers = true;
        Set<String> distinct = new HashSet<>();
        for (String c : cells) {
            Double v = number(c);
            numeric &= v != null;
            integers &= v != null && v == Math.rint(v) && v >= 0;
            distinct.add(c.trim());
        }
        return !numeric || (integers && distinct.size() <= MAX_INTEGER_CLASSES && distinct.size() < cells.length);
    }

    /** The distinct labels of target cells in class-index order: numbers in numeric order, else sorted as strings. */
    public static List<String> classLabels(String[] cells) {
        Set<String> distinct = new HashSet<>();
        boolean numeric = true;
        for (String c : cells) {
            distinct.add(c.trim());
            numeric &= number(c) != null;
        }
        if (!numeric) return new ArrayList<>(new TreeSet<>(distinct));
        TreeMap<Double, String> byValue = new TreeMap<>();
        for (String c : distinct) byValue.put(number(c), c);
        return new ArrayList<>(byValue.values());
    }

    private void fitTarget(Table train) {
        String[] cells = train.column(target);
        for (int i = 0; i < cells.length; i++) {
            if (isMissing(cells[i])) throw new IllegalArgumentException(train.source() + " line " + train.line(i) + ": target column '" + target + "' is empty");
        }
        boolean numeric = true;
        Set<String> distinct = new HashSet<>();
        for (String c : cells) {
            numeric &= number(c) != null;
            distinct.add(c.trim());
        }
        boolean classes = switch (targetKind) {
            case CLASSES -> true;
            case VALUES -> false;
            case AUTO -> holdsClasses(cells);
        };
        if (!classes) {
            if (!numeric) {
                for (int i = 0; i < cells.length; i++) {
                    if (number(cells[i]) == null) {
                        throw new IllegalArgumentException(train.source() + " line " + train.line(i) + ": target column '" + target
                                + "' must be numeric for regression, got '" + cells[i] + "'");
                    }
                }
            }
            classNames = null;
            double[] v = new double[cells.length];
            for (int i = 0; i < cells.length; i++) v[i] = number(cells[i]);
            targetMean = scale ? mean(v) : 0;
            double sd = scale ? Math.sqrt(variance(v, targetMean)) : 1;
            targetStd = sd > 1e-12 ? sd : 1;
            return;
        }
        if (distinct.size() < 2) {
            throw new IllegalArgumentException(train.source() + ": target column '" + target + "' has a single class '" + distinct.iterator().next()
                    + "' in the training rows; a classifier needs at least two");
        }
        classNames = classLabels(cells);
    }

    private Column fitColumn(Table train, String name) {
        String[] cells = train.column(name);
        Column c = new Column();
        c.name = name;
        List<String> present = new ArrayList<>();
        for (String cell : cells) if (!isMissing(cell)) present.add(cell.trim());
        c.missingInTraining = cells.length - present.size();
        if (present.isEmpty()) {
            throw new IllegalArgumentException(train.source() + ": column '" + name + "' is empty (or missing) in every training row; drop it");
        }
        if (categorical.contains(name) || !(allNumbers(present) || allDates(present))) {
            TreeSet<String> cats = new TreeSet<>(present);
            c.categories = new ArrayList<>(cats);
            c.missingCategory = c.missingInTraining > 0;
            c.kind = cats.size() <= maxOneHot ? Kind.ONE_HOT : Kind.INDEX;
            return c;
        }
        c.kind = allNumbers(present) ? Kind.NUMERIC : Kind.DATE;
        int parts = c.kind == Kind.DATE ? 3 : 1;
        double[][] values = new double[parts][present.size()];
        for (int i = 0; i < present.size(); i++) {
            double[] v = parts(c.kind, present.get(i));
            for (int p = 0; p < parts; p++) values[p][i] = v[p];
        }
        c.fill = new double[parts];
        for (int p = 0; p < parts; p++) c.fill[p] = switch (impute) {
            case MEAN -> mean(values[p]);
            case MEDIAN -> median(values[p]);
            case CONSTANT -> imputeConstant;
        };
        c.indicator = missingIndicators && c.missingInTraining > 0;
        // Scaling is fitted on the imputed column, as a pipeline of imputer then scaler would.
        c.mean = new double[parts];
        c.std = new double[parts];
        for (int p = 0; p < parts; p++) {
            double[] all = new double[cells.length];
            for (int i = 0; i < cells.length; i++) all[i] = isMissing(cells[i]) ? c.fill[p] : parts(c.kind, cells[i].trim())[p];
            c.mean[p] = scale ? mean(all) : 0;
            double sd = scale ? Math.sqrt(variance(all, c.mean[p])) : 1;
            c.std[p] = sd > 1e-12 ? sd : 1;
        }
        return c;
    }

    public boolean isFitted() {
        return columns != null;
    }

    /** The target column's name (null without one). */
    public String targetName() {
        return target;
    }

    /** The class labels in index order, or null when the target holds values. */
    public List<String> classNames() {
        requireFitted("classNames");
        return classNames == null ? null : List.copyOf(classNames);
    }

    /** The label of class {@code index}. */
    public String className(int index) {
        requireFitted("className");
        return classNames.get(index);
    }

    /** Whether a values target is scaled for training (so losses and per-epoch metrics are in standard deviations). */
    public boolean scalesTarget() {
        requireFitted("scalesTarget");
        return classNames == null && (targetStd != 1 || targetMean != 0);
    }

    /** Predictions of a values target in the file's units (the training targets were scaled as {@link #fit} says). */
    public Tensor inverseTarget(Tensor predictions) {
        requireFitted("inverseTarget");
        if (classNames != null) throw new IllegalStateException("Preprocessor.inverseTarget: the target holds classes");
        float[] p = predictions.data(), out = new float[p.length];
        for (int i = 0; i < p.length; i++) out[i] = (float) (p[i] * targetStd + targetMean);
        return Tensor.of(out, predictions.shape());
    }

    /** The names of the features, in the order of {@link Transformed#x()}'s columns. */
    public List<String> featureNames() {
        requireFitted("featureNames");
        List<String> names = new ArrayList<>();
        for (Column c : columns) {
            switch (c.kind) {
                case NUMERIC -> names.add(c.name);
                case DATE -> {
                    for (String p : DATE_PARTS) names.add(c.name + "_" + p);
                }
                case ONE_HOT -> {
                    for (String cat : c.categories) names.add(c.name + "=" + cat);
                    if (c.missingCategory) names.add(c.name + "=" + MISSING_CATEGORY);
                }
                case INDEX -> names.add(c.name + " (index)");
            }
            if (c.indicator) names.add(c.name + "_missing");
        }
        return names;
    }

    /** The input columns the features are made from, in order. */
    public List<String> inputColumns() {
        requireFitted("inputColumns");
        List<String> names = new ArrayList<>();
        for (Column c : columns) names.add(c.name);
        return names;
    }

    /**
     * The index features meant for an Embedding: feature position to vocabulary size (categories + 2 for unknown
     * and missing), in feature order; empty when every categorical column is one-hot.
     */
    public Map<Integer, Integer> embeddingInputs() {
        requireFitted("embeddingInputs");
        Map<Integer, Integer> out = new LinkedHashMap<>();
        List<String> names = featureNames();
        for (Column c : columns) if (c.kind == Kind.INDEX) out.put(names.indexOf(c.name + " (index)"), c.categories.size() + 2);
        return out;
    }

    /** The categorical columns with more than {@link #maxOneHot} categories, by name to their category count. */
    public Map<String, Integer> highCardinalityColumns() {
        requireFitted("highCardinalityColumns");
        Map<String, Integer> out = new LinkedHashMap<>();
        for (Column c : columns) if (c.kind == Kind.INDEX) out.put(c.name, c.categories.size());
        return out;
    }

    /** One line per column: its inferred type and what it becomes, for people to check. */
    public String schema() {
        requireFitted("schema");
        StringBuilder sb = new StringBuilder();
        int w = 6;
        for (Column c : columns) w = Math.max(w, c.name.length());
        if (target != null) w = Math.max(w, target.length());
        String fmt = "  %-" + w + "s  %s%n";
        for (Column c : columns) {
            String missing = c.missingInTraining == 0 ? "" : ", " + c.missingInTraining + " missing";
            String what = switch (c.kind) {
                case NUMERIC -> "numeric" + missing + (c.missingInTraining > 0 ? " (filled with " + fillText(c) + ")" : "") + (scale ? ", standard-scaled" : "");
                case DATE -> "date (yyyy-mm-dd) -> year, month, day" + missing + (c.missingInTraining > 0 ? " (filled with " + fillText(c) + ")" : "")
                        + (scale ? ", standard-scaled" : "");
                case ONE_HOT -> "categorical, " + c.categories.size() + " categories" + missing + " -> one-hot" + (c.missingCategory ? " with a (missing) category" : "");
                case INDEX -> "categorical, " + c.categories.size() + " categories" + missing + " (more than " + maxOneHot + ") -> index for an Embedding";
            };
            if (c.indicator) what += ", + indicator " + c.name + "_missing";
            sb.append(String.format(Locale.ROOT, fmt, c.name, what));
        }
        for (String d : drop) sb.append(String.format(Locale.ROOT, fmt, d, "dropped"));
        if (sampleWeight != null) sb.append(String.format(Locale.ROOT, fmt, sampleWeight, "sample weights"));
        if (target != null) {
            sb.append(String.format(Locale.ROOT, fmt, target, classNames != null ? "target: " + classNames.size() + " classes " + classNames
                    : "target: numeric values" + (targetStd != 1 || targetMean != 0 ? String.format(Locale.ROOT,
                    ", standard-scaled for training (mean %.4g, sd %.4g); predictions and reports in the file's units", targetMean, targetStd) : "")));
        }
        return sb.toString().stripTrailing();
    }

    private String fillText(Column c) {
        String how = impute.name().toLowerCase(Locale.ROOT);
        StringBuilder v = new StringBuilder();
        for (double f : c.fill) v.append(v.length() == 0 ? "" : "/").append(String.format(Locale.ROOT, "%.4g", f));
        return how + " " + v;
    }

    /**
     * The features of {@code table} (columns matched by name), its targets when it has the target column (null
     * otherwise), its sample weights when it has that column, and what it held that training had not seen.
     */
    public Transformed transform(Table table) {
        return transform(table, true);
    }

    /** As {@link #transform(Table)}, leaving the target column unread (and y null) for prediction. */
    public Transformed features(Table table) {
        return transform(table, false);
    }

    private Transformed transform(Table table, boolean withTarget) {
        requireFitted("transform");
        List<String> absent = table.missing(inputColumns());
        if (!absent.isEmpty()) {
            throw new IllegalArgumentException(table.source() + ": no column '" + absent.get(0) + "', which the model reads (its columns: "
                    + String.join(", ", inputColumns()) + ")");
        }
        List<String> notes = new ArrayList<>();
        List<String> extra = new ArrayList<>(), inputs = inputColumns();
        for (String name : table.names()) {
            if (!inputs.contains(name) && !name.equals(target) && !drop.contains(name) && !name.equals(sampleWeight)) extra.add(name);
        }
        if (!extra.isEmpty()) notes.add(table.source() + ": column(s) " + String.join(", ", extra) + " are not in the training schema; ignored");
        int n = table.rows(), f = featureNames().size();
        float[] x = new float[n * f];
        Map<String, Integer> unseen = new LinkedHashMap<>();
        int offset = 0;
        for (Column c : columns) offset = fill(c, table, x, f, offset, unseen);
        Tensor y = withTarget && target != null && table.has(target) ? targets(table) : null;
        Tensor w = sampleWeight != null && table.has(sampleWeight) ? weights(table) : null;
        return new Transformed(Tensor.of(x, n, f), y, w, unseen, notes);
    }

    /** Writes column {@code c}'s features of every row at {@code offset}; returns the next column's offset. */
    private int fill(Column c, Table table, float[] x, int f, int offset, Map<String, Integer> unseen) {
        String[] cells = table.column(c.name);
        int width = 0;
        switch (c.kind) {
            case NUMERIC, DATE -> {
                int parts = c.fill.length;
                for (int i = 0; i < cells.length; i++) {
                    boolean missing = isMissing(cells[i]);
                    double[] v = missing ? c.fill : parseOrFail(c, cells[i], table, i);
                    for (int p = 0; p < parts; p++) x[i * f + offset + p] = (float) ((v[p] - c.mean[p]) / c.std[p]);
                    if (c.indicator) x[i * f + offset + parts] = missing ? 1 : 0;
                }
                width = parts + (c.indicator ? 1 : 0);
            }
            case ONE_HOT, INDEX -> {
                Map<String, Integer> index = new HashMap<>();
                for (int k = 0; k < c.categories.size(); k++) index.put(c.categories.get(k), k);
                int count = 0;
                for (int i = 0; i < cells.length; i++) {
                    boolean missing = isMissing(cells[i]);
                    Integer k = missing ? null : index.get(cells[i].trim());
                    boolean unknown = missing ? !c.missingCategory : k == null;
                    if (unknown) count++;
                    if (c.kind == Kind.INDEX) {
                        x[i * f + offset] = unknown ? 0 : missing ? 1 : 2 + k;
                    } else if (!unknown) {
                        x[i * f + offset + (missing ? c.categories.size() : k)] = 1;
                    }
                }
                if (count > 0) unseen.put(c.name, count);
                width = c.kind == Kind.INDEX ? 1 : c.categories.size() + (c.missingCategory ? 1 : 0);
            }
        }
        return offset + width;
    }

    private double[] parseOrFail(Column c, String cell, Table table, int row) {
        String s = cell.trim();
        if (c.kind == Kind.NUMERIC) {
            Double v = number(s);
            if (v == null) {
                throw new IllegalArgumentException(table.source() + " line " + table.line(row) + ": column '" + c.name + "' is numeric, got '" + cell
                        + "' (missing values are " + markers() + ")");
            }
            return new double[] {v};
        }
        double[] d = date(s);
        if (d == null) {
            throw new IllegalArgumentException(table.source() + " line " + table.line(row) + ": column '" + c.name + "' holds dates (yyyy-mm-dd), got '" + cell + "'");
        }
        return d;
    }

    private Tensor targets(Table table) {
        String[] cells = table.column(target);
        float[] y = new float[cells.length];
        for (int i = 0; i < cells.length; i++) {
            if (isMissing(cells[i])) throw new IllegalArgumentException(table.source() + " line " + table.line(i) + ": target column '" + target + "' is empty");
            String t = cells[i].trim();
            if (classNames != null) {
                int k = classNames.indexOf(t);
                if (k < 0) {
                    throw new IllegalArgumentException(table.source() + " line " + table.line(i) + ": target '" + t + "' is not one of the classes seen in training "
                            + classNames);
                }
                y[i] = k;
            } else {
                Double v = number(t);
                if (v == null) {
                    throw new IllegalArgumentException(table.source() + " line " + table.line(i) + ": target column '" + target + "' must be numeric, got '" + t + "'");
                }
                y[i] = (float) ((v - targetMean) / targetStd);
            }
        }
        return Tensor.of(y, cells.length);
    }

    private Tensor weights(Table table) {
        String[] cells = table.column(sampleWeight);
        float[] w = new float[cells.length];
        for (int i = 0; i < cells.length; i++) {
            Double v = number(cells[i]);
            if (v == null || v < 0) {
                throw new IllegalArgumentException(table.source() + " line " + table.line(i) + ": sample weight column '" + sampleWeight
                        + "' must hold non-negative numbers, got '" + cells[i] + "'");
            }
            w[i] = v.floatValue();
        }
        return Tensor.of(w, cells.length);
    }

    private String markers() {
        List<String> shown = new ArrayList<>();
        for (String m : missingValues) shown.add(m.isEmpty() ? "empty" : "'" + m + "'");
        return String.join(", ", shown);
    }

    private boolean isMissing(String cell) {
        return missingValues.contains(cell.trim());
    }

    private void requireFitted(String op) {
        if (columns == null) throw new IllegalStateException("Preprocessor." + op + ": call fit(trainingTable) first");
    }

    /** Everything set and fitted, JSON-friendly, as model files keep it. */
    public Map<String, Object> config() {
        requireFitted("config");
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("target", target);
        if (classNames != null) m.put("class_names", classNames);
        else m.put("target_scaling", List.of(targetMean, targetStd));
        m.put("missing_values", missingValues);
        m.put("impute", impute.name().toLowerCase(Locale.ROOT));
        if (impute == Impute.CONSTANT) m.put("impute_constant", imputeConstant);
        m.put("missing_indicators", missingIndicators);
        m.put("max_one_hot", maxOneHot);
        m.put("scale", scale);
        m.put("drop", List.copyOf(drop));
        m.put("categorical", List.copyOf(categorical));
        if (sampleWeight != null) m.put("sample_weight", sampleWeight);
        List<Object> cols = new ArrayList<>();
        for (Column c : columns) {
            Map<String, Object> cm = new LinkedHashMap<>();
            cm.put("name", c.name);
            cm.put("kind", c.kind.name().toLowerCase(Locale.ROOT));
            cm.put("missing_in_training", c.missingInTraining);
            if (c.categories != null) {
                cm.put("categories", c.categories);
                cm.put("missing_category", c.missingCategory);
            } else {
                cm.put("fill", doubles(c.fill));
                cm.put("indicator", c.indicator);
                cm.put("mean", doubles(c.mean));
                cm.put("std", doubles(c.std));
            }
            cols.add(cm);
        }
        m.put("columns", cols);
        return m;
    }

    /** The preprocessor a {@link #config()} describes; {@code where} is its path in its file, which errors name. */
    public static Preprocessor fromConfig(Map<?, ?> config, String where) {
        JsonFields f = new JsonFields(config, where);
        Preprocessor p = new Preprocessor(f.has("target") && f.map().get("target") != null ? f.requireString("target") : null);
        if (f.has("class_names")) p.classNames = strings(f, "class_names");
        if (f.has("target_scaling")) {
            double[] ts = numbers(f, "target_scaling", 2);
            if (!(ts[1] > 0)) throw f.error("target_scaling[1]", "expected a positive standard deviation, got " + ts[1]);
            p.targetMean = ts[0];
            p.targetStd = ts[1];
        }
        p.missingValues = strings(f, "missing_values");
        String impute = f.requireString("impute");
        try {
            p.impute = Impute.valueOf(impute.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw f.error("impute", "expected \"mean\", \"median\" or \"constant\", got \"" + impute + "\"");
        }
        p.imputeConstant = f.optionalDouble("impute_constant", 0);
        p.missingIndicators = f.requireBoolean("missing_indicators");
        p.maxOneHot = f.requirePositiveInt("max_one_hot");
        p.scale = f.requireBoolean("scale");
        p.drop.addAll(strings(f, "drop"));
        p.categorical.addAll(strings(f, "categorical"));
        p.sampleWeight = f.has("sample_weight") ? f.requireString("sample_weight") : null;
        List<Column> cols = new ArrayList<>();
        for (int i = 0; i < f.requireList("columns").size(); i++) {
            JsonFields cf = f.element("columns", i);
            Column c = new Column();
            c.name = cf.requireString("name");
            String kind = cf.requireString("kind");
            try {
                c.kind = Kind.valueOf(kind.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw cf.error("kind", "expected \"numeric\", \"date\", \"one_hot\" or \"index\", got \"" + kind + "\"");
            }
            c.missingInTraining = cf.requireInt("missing_in_training");
            if (c.kind == Kind.ONE_HOT || c.kind == Kind.INDEX) {
                c.categories = strings(cf, "categories");
                c.missingCategory = cf.requireBoolean("missing_category");
            } else {
                int parts = c.kind == Kind.DATE ? 3 : 1;
                c.fill = numbers(cf, "fill", parts);
                c.indicator = cf.requireBoolean("indicator");
                c.mean = numbers(cf, "mean", parts);
                c.std = numbers(cf, "std", parts);
                for (int k = 0; k < parts; k++) if (!(c.std[k] > 0)) throw cf.error("std[" + k + "]", "expected a positive number (it divides), got " + c.std[k]);
            }
            cols.add(c);
        }
        if (cols.isEmpty()) throw f.error("columns", "expected at least one column");
        p.columns = cols;
        return p;
    }

    private static List<String> strings(JsonFields f, String key) {
        List<String> out = new ArrayList<>();
        List<?> l = f.requireList(key);
        for (int i = 0; i < l.size(); i++) {
            if (!(l.get(i) instanceof String s)) throw f.error(key + "[" + i + "]", "expected a string, got " + JsonFields.show(l.get(i)));
            out.add(s);
        }
        return out;
    }

    private static double[] numbers(JsonFields f, String key, int expected) {
        List<?> l = f.requireList(key);
        if (l.size() != expected) throw f.error(key, "expected " + expected + " number(s), got " + l.size());
        double[] a = new double[l.size()];
        for (int i = 0; i < a.length; i++) {
            if (!(l.get(i) instanceof Number n) || !Double.isFinite(n.doubleValue())) {
                throw f.error(key + "[" + i + "]", "expected a finite number, got " + JsonFields.show(l.get(i)));
            }
            a[i] = n.doubleValue();
        }
        return a;
    }

    private static List<Double> doubles(double[] a) {
        List<Double> l = new ArrayList<>();
        for (double v : a) l.add(v);
        return l;
    }

    /** A finite number, or null. */
    private static Double number(String s) {
        try {
            double v = Double.parseDouble(s.trim());
            return Double.isFinite(v) ? v : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** {year, month, day} of a valid ISO date, or null. */
    private static double[] date(String s) {
        if (!ISO_DATE.matcher(s).matches()) return null;
        try {
            LocalDate d = LocalDate.parse(s);
            return new double[] {d.getYear(), d.getMonthValue(), d.getDayOfMonth()};
        } catch (DateTimeException e) {
            return null;
        }
    }

    private static double[] parts(Kind kind, String s) {
        return kind == Kind.NUMERIC ? new double[] {number(s)} : date(s);
    }

    private static boolean allNumbers(List<String> cells) {
        for (String c : cells) if (number(c) == null) return false;
        return true;
    }

    private static boolean allDates(List<String> cells) {
        for (String c : cells) if (date(c) == null) return false;
        return true;
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double d : v) s += d;
        return s / v.length;
    }

    private static double variance(double[] v, double mean) {
        double s = 0;
        for (double d : v) s += (d - mean) * (d - mean);
        return s / v.length;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    @SafeVarargs
    private static Set<String> concat(Set<String>... sets) {
        Set<String> all = new LinkedHashSet<>();
        for (Set<String> s : sets) all.addAll(s);
        return all;
    }
}
