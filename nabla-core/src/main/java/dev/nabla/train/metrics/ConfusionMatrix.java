package dev.nabla.train.metrics;

import dev.nabla.tensor.Tensor;

/**
 * Counts of (true class, predicted class) pairs: rows are true classes, columns predictions (argmax of each row of
 * scores, or the value itself for [n] predicted indices).
 *
 * <pre>{@code
 * ConfusionMatrix cm = ConfusionMatrix.of(test.y(), model.predict(test.x()), 3);
 * System.out.println(cm);
 * }</pre>
 */
public final class ConfusionMatrix {

    private final int[][] counts;

    private ConfusionMatrix(int classes) {
        counts = new int[classes][classes];
    }

    public static ConfusionMatrix of(Tensor yTrueIndices, Tensor yPred, int classes) {
        if (classes < 1) throw new IllegalArgumentException("ConfusionMatrix: classes must be positive, got " + classes);
        ConfusionMatrix m = new ConfusionMatrix(classes);
        float[] t = yTrueIndices.data(), p = yPred.data();
        int n = t.length, cols = p.length / Math.max(n, 1);
        if (p.length != n * cols || (cols != 1 && cols != classes)) {
            throw new IllegalArgumentException("ConfusionMatrix: " + n + " targets do not fit " + p.length + " predictions for " + classes + " classes");
        }
        for (int i = 0; i < n; i++) {
            int actual = (int) t[i], predicted = 0;
            if (cols == 1) {
                predicted = (int) p[i];
            } else {
                for (int j = 1; j < cols; j++) if (p[i * cols + j] > p[i * cols + predicted]) predicted = j;
            }
            if (actual < 0 || actual >= classes || predicted < 0 || predicted >= classes) {
                throw new IllegalArgumentException("ConfusionMatrix: row " + i + " has class " + actual + " -> " + predicted + ", outside [0, " + classes + ")");
            }
            m.counts[actual][predicted]++;
        }
        return m;
    }

    /** How many samples of class {@code trueClass} were predicted as {@code predClass}. */
    public int get(int trueClass, int predClass) {
        return counts[trueClass][predClass];
    }

    public int classes() {
        return counts.length;
    }

    @Override
    public String toString() {
        int width = 4;
        for (int[] row : counts) for (int c : row) width = Math.max(width, String.valueOf(c).length() + 1);
        StringBuilder sb = new StringBuilder(String.format("%" + (width + 5) + "s", "pred"));
        for (int j = 0; j < counts.length; j++) sb.append(String.format("%" + width + "d", j));
        sb.append('\n');
        for (int i = 0; i < counts.length; i++) {
            sb.append(String.format("true %" + width + "d", i));
            for (int c : counts[i]) sb.append(String.format("%" + width + "d", c));
            sb.append('\n');
        }
        return sb.toString();
    }
}
