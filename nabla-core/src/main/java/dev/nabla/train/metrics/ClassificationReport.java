package dev.nabla.train.metrics;

import dev.nabla.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What scikit-learn's {@code classification_report}, {@code confusion_matrix}, {@code roc_auc_score} and
 * {@code average_precision_score} say about a classifier's predictions, computed the same way:
 * per-class precision, recall, F1 and support; accuracy; macro and support-weighted averages; ROC-AUC and PR-AUC
 * (average precision) for two classes, one-vs-rest macro averages for more.
 *
 * <pre>{@code
 * ClassificationReport report = ClassificationReport.of(labels, logits.softmax(-1), List.of("cat", "dog", "bird"));
 * System.out.print(report);
 * }</pre>
 *
 * Scores are {@code [n, classes]} (probabilities, logits or any monotone score: the argmax predicts, the column
 * ranks for the AUCs) or {@code [n]} / {@code [n, 1]} for two classes: the probability of class 1, predicted above
 * 0.5. Targets are class indices. A class with no prediction has precision 0, one with no sample recall 0, as
 * scikit-learn's {@code zero_division=0}; a class with no sample or no other sample has no AUC and is left out of
 * the AUC average (scikit-learn refuses such a class instead).
 */
public final class ClassificationReport {

    /** One class's row. */
    public record ClassRow(String label, double precision, double recall, double f1, long support) {
    }

    private final List<ClassRow> rows;
    private final ConfusionMatrix confusion;
    private final double accuracy, rocAuc, prAuc;
    private final long total;

    private ClassificationReport(List<ClassRow> rows, ConfusionMatrix confusion, double accuracy, double rocAuc, double prAuc, long total) {
        this.rows = rows;
        this.confusion = confusion;
        this.accuracy = accuracy;
        this.rocAuc = rocAuc;
        this.prAuc = prAuc;
        this.total = total;
    }

    /** The report for targets (class indices) and scores; {@code labels} names the classes in index order. */
    public static ClassificationReport of(Tensor targets, Tensor scores, List<String> labels) {
        int classes = labels.size();
        if (classes < 2) throw new IllegalArgumentException("ClassificationReport: needs at least 2 class labels, got " + labels);
        float[] t = targets.data(), s = scores.data();
        int n = t.length;
        if (n == 0) throw new IllegalArgumentException("ClassificationReport: no samples");
        int cols = s.length / n;
        if (s.length != (long) n * cols || (cols != classes && !(cols == 1 && classes == 2))) {
            throw new IllegalArgumentException("ClassificationReport: " + n + " targets and " + s.length + " scores do not fit " + classes + " classes " + labels);
        }
        int[] actual = new int[n], predicted = new int[n];
        for (int i = 0; i < n; i++) {
            actual[i] = (int) t[i];
            if (actual[i] != t[i] || actual[i] < 0 || actual[i] >= classes) {
                throw new IllegalArgumentException("ClassificationReport: target " + i + " is " + t[i] + ", not a class index in [0, " + classes + ")");
            }
            predicted[i] = cols == 1 ? (s[i] > 0.5f ? 1 : 0) : argmax(s, i * cols, cols);
        }
        ConfusionMatrix confusion = ConfusionMatrix.of(Tensor.of(toFloats(actual), n), Tensor.of(toFloats(predicted), n), classes);
        List<ClassRow> rows = new ArrayList<>();
        long correct = 0;
        for (int c = 0; c < classes; c++) {
            long tp = confusion.get(c, c), support = 0, predictedAs = 0;
            for (int k = 0; k < classes; k++) {
                support += confusion.get(c, k);
                predictedAs += confusion.get(k, c);
            }
            correct += tp;
            double precision = predictedAs == 0 ? 0 : (double) tp / predictedAs;
            double recall = support == 0 ? 0 : (double) tp / support;
            double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            rows.add(new ClassRow(labels.get(c), precision, recall, f1, support));
        }
        double rocAuc, prAuc;
        if (cols == 1 || classes == 2) {
            double[] positive = positiveScores(s, n, cols);
            rocAuc = rocAuc(actual, 1, positive);
            prAuc = averagePrecision(actual, 1, positive);
        } else {
            double rocSum = 0, prSum = 0;
            int counted = 0;
            for (int c = 0; c < classes; c++) {
                double[] column = new double[n];
                for (int i = 0; i < n; i++) column[i] = s[i * cols + c];
                double roc = rocAuc(actual, c, column);
                if (Double.isNaN(roc)) continue;
                rocSum += roc;
                prSum += averagePrecision(actual, c, column);
                counted++;
            }
            rocAuc = counted == 0 ? Double.NaN : rocSum / counted;
            prAuc = counted == 0 ? Double.NaN : prSum / counted;
        }
        return new ClassificationReport(rows, confusion, (double) correct / n, rocAuc, prAuc, n);
    }

    private static double[] positiveScores(float[] s, int n, int cols) {
        double[] positive = new double[n];
        for (int i = 0; i < n; i++) positive[i] = cols == 1 ? s[i] : s[i * 2 + 1] - s[i * 2]; // two columns: rank by the margin
        return positive;
    }

    private static int argmax(float[] s, int from, int count) {
        int best = 0;
        for (int j = 1; j < count; j++) if (s[from + j] > s[from + best]) best = j;
        return best;
    }

    private static float[] toFloats(int[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) f[i] = v[i];
        return f;
    }

    /** Indices sorted by score, highest first (ties keep their order; ties are grouped by the callers). */
    private static Integer[] byScoreDescending(double[] score) {
        Integer[] order = new Integer[score.length];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Double.compare(score[b], score[a]));
        return order;
    }

    /** Area under the ROC curve of {@code positive} vs the rest: trapezoids between the distinct thresholds. */
    static double rocAuc(int[] actual, int positive, double[] score) {
        long positives = 0;
        for (int a : actual) if (a == positive) positives++;
        long negatives = actual.length - positives;
        if (positives == 0 || negatives == 0) return Double.NaN;
        Integer[] order = byScoreDescending(score);
        double area = 0;
        long tp = 0, fp = 0;
        for (int i = 0; i < order.length; ) {
            long tpBefore = tp, fpBefore = fp;
            int j = i;
            for (; j < order.length && score[order[j]] == score[order[i]]; j++) {
                if (actual[order[j]] == positive) tp++; else fp++;
            }
            area += (fp - fpBefore) * (tp + tpBefore) / 2.0; // one trapezoid per group of tied scores
            i = j;
        }
        return area / ((double) positives * negatives);
    }

    /** Average precision: the precision at each distinct threshold weighted by the recall it adds (scikit-learn's). */
    static double averagePrecision(int[] actual, int positive, double[] score) {
        long positives = 0;
        for (int a : actual) if (a == positive) positives++;
        if (positives == 0) return Double.NaN;
        Integer[] order = byScoreDescending(score);
        double ap = 0;
        long tp = 0, seen = 0;
        for (int i = 0; i < order.length; ) {
            long tpBefore = tp;
            int j = i;
            for (; j < order.length && score[order[j]] == score[order[i]]; j++) {
                if (actual[order[j]] == positive) tp++;
                seen++;
            }
            ap += (double) (tp - tpBefore) / positives * ((double) tp / seen);
            i = j;
        }
        return ap;
    }

    public List<ClassRow> rows() {
        return rows;
    }

    public ConfusionMatrix confusionMatrix() {
        return confusion;
    }

    public double accuracy() {
        return accuracy;
    }

    /** ROC-AUC: of class 1 for two classes, else the one-vs-rest macro average. */
    public double rocAuc() {
        return rocAuc;
    }

    /** PR-AUC as average precision: of class 1 for two classes, else the one-vs-rest macro average. */
    public double prAuc() {
        return prAuc;
    }

    public double macroF1() {
        return average(ClassRow::f1, false);
    }

    private double average(java.util.function.ToDoubleFunction<ClassRow> value, boolean weighted) {
        double sum = 0, weight = 0;
        for (ClassRow r : rows) {
            double w = weighted ? r.support() : 1;
            sum += w * value.applyAsDouble(r);
            weight += w;
        }
        return weight == 0 ? 0 : sum / weight;
    }

    /** The figures by name, for JSON output: accuracy, macro/weighted averages, AUCs, and per-class rows. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("accuracy", accuracy);
        for (boolean weighted : new boolean[] {false, true}) {
            String p = weighted ? "weighted_" : "macro_";
            m.put(p + "precision", average(ClassRow::precision, weighted));
            m.put(p + "recall", average(ClassRow::recall, weighted));
            m.put(p + "f1", average(ClassRow::f1, weighted));
        }
        m.put("roc_auc", rocAuc);
        m.put("pr_auc", prAuc);
        Map<String, Object> perClass = new LinkedHashMap<>();
        for (ClassRow r : rows) perClass.put(r.label(), Map.of("precision", r.precision(), "recall", r.recall(), "f1", r.f1(), "support", r.support()));
        m.put("classes", perClass);
        List<List<Integer>> cm = new ArrayList<>();
        for (int i = 0; i < confusion.classes(); i++) {
            List<Integer> row = new ArrayList<>();
            for (int j = 0; j < confusion.classes(); j++) row.add(confusion.get(i, j));
            cm.add(row);
        }
        m.put("confusion_matrix", cm);
        return m;
    }

    /** The table as scikit-learn prints it, then the AUCs and the confusion matrix (rows true, columns predicted). */
    @Override
    public String toString() {
        int width = "weighted avg".length();
        for (ClassRow r : rows) width = Math.max(width, r.label().length());
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%" + width + "s %9s %9s %9s %9s%n%n", "", "precision", "recall", "f1-score", "support"));
        for (ClassRow r : rows) sb.append(line(width, r.label(), r.precision(), r.recall(), r.f1(), r.support()));
        sb.append('\n');
        sb.append(String.format(Locale.ROOT, "%" + width + "s %9s %9s %9.2f %9d%n", "accuracy", "", "", accuracy, total));
        sb.append(line(width, "macro avg", average(ClassRow::precision, false), average(ClassRow::recall, false), average(ClassRow::f1, false), total));
        sb.append(line(width, "weighted avg", average(ClassRow::precision, true), average(ClassRow::recall, true), average(ClassRow::f1, true), total));
        sb.append(String.format(Locale.ROOT, "%n%s %.4f   %s %.4f%n", rows.size() == 2 ? "ROC-AUC" : "ROC-AUC (one-vs-rest macro)", rocAuc,
                rows.size() == 2 ? "PR-AUC" : "PR-AUC (one-vs-rest macro)", prAuc));
        sb.append("\nconfusion matrix (rows: true class, columns: predicted)\n");
        int cell = 4;
        for (ClassRow r : rows) cell = Math.max(cell, Math.min(r.label().length(), 12) + 1);
        for (int i = 0; i < confusion.classes(); i++) for (int j = 0; j < confusion.classes(); j++) cell = Math.max(cell, String.valueOf(confusion.get(i, j)).length() + 1);
        sb.append(String.format(Locale.ROOT, "%" + width + "s", ""));
        for (ClassRow r : rows) sb.append(String.format(Locale.ROOT, "%" + cell + "s", clip(r.label(), cell - 1)));
        sb.append('\n');
        for (int i = 0; i < confusion.classes(); i++) {
            sb.append(String.format(Locale.ROOT, "%" + width + "s", rows.get(i).label()));
            for (int j = 0; j < confusion.classes(); j++) sb.append(String.format(Locale.ROOT, "%" + cell + "d", confusion.get(i, j)));
            sb.append('\n');
        }
        return sb.toString();
    }

    private static String clip(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }

    private static String line(int width, String label, double p, double r, double f1, long support) {
        return String.format(Locale.ROOT, "%" + width + "s %9.2f %9.2f %9.2f %9d%n", label, p, r, f1, support);
    }
}
