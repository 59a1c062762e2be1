package dev.nabla.data;

import dev.nabla.tensor.Tensor;

/** One-hot encoding of class indices. */
public final class OneHot {

    private OneHot() {}

    /** [n] (or [n, 1]) class indices to [n, classes] rows of 0 and 1. */
    public static Tensor encode(Tensor labels, int classes) {
        if (classes <= 0) throw new IllegalArgumentException("OneHot.encode: classes must be positive, got " + classes);
        float[] y = labels.data();
        int n = labels.rank() == 0 ? 1 : labels.dim(0);
        if (y.length != n) throw new IllegalArgumentException("OneHot.encode: expected one label per row, got shape " + java.util.Arrays.toString(labels.shape()));
        float[] out = new float[n * classes];
        for (int i = 0; i < n; i++) {
            int c = (int) y[i];
            if (c != y[i] || c < 0 || c >= classes) throw new IllegalArgumentException("OneHot.encode: label " + y[i] + " at row " + i + " is not in [0, " + classes + ")");
            out[i * classes + c] = 1f;
        }
        return Tensor.of(out, n, classes);
    }
}
