package dev.nabla.tensor;

import java.util.Locale;

/** NumPy-style printing: nested brackets, aligned columns, "..." eliding the middle of large tensors. */
final class TensorFormat {
    private TensorFormat() {}

    private static final int ELIDE_ABOVE = 1000;
    private static final int EDGE = 3;

    static String format(Tensor t) {
        boolean elide = t.data.length > ELIDE_ABOVE;
        boolean integral = true;
        float maxAbs = 0;
        for (float v : t.data) {
            if (v != Math.rint(v) || Float.isInfinite(v)) integral = false;
            if (Float.isFinite(v)) maxAbs = Math.max(maxAbs, Math.abs(v));
        }
        boolean sci = !integral && (maxAbs >= 1e8 || (maxAbs > 0 && maxAbs < 1e-4));
        int width = 0;
        for (float v : t.data) width = Math.max(width, value(v, integral, sci).length());
        StringBuilder sb = new StringBuilder("tensor(");
        if (t.shape.length == 0) {
            sb.append(value(t.data[0], integral, sci));
        } else {
            append(sb, t, 0, 0, integral, sci, width, elide, "       ");
        }
        if (t.shape.length != 1 || elide) sb.append(", shape=").append(Shape.str(t.shape));
        if (t.requiresGrad()) sb.append(t.isLeaf() ? ", requiresGrad=true" : ", gradFn=" + t.node().op());
        return sb.append(')').toString();
    }

    private static void append(StringBuilder sb, Tensor t, int dim, int offset, boolean integral, boolean sci,
                               int width, boolean elide, String indent) {
        int n = t.shape[dim];
        int stride = 1;
        for (int d = dim + 1; d < t.shape.length; d++) stride *= t.shape[d];
        sb.append('[');
        boolean last = dim == t.shape.length - 1;
        for (int i = 0; i < n; i++) {
            if (elide && n > 2 * EDGE && i == EDGE) {
                sb.append(last ? "..., " : "...,\n" + indent + " ".repeat(dim + 1));
                i = n - EDGE - 1;
                continue;
            }
            if (last) {
                String s = value(t.data[offset + i], integral, sci);
                sb.append(" ".repeat(width - s.length())).append(s);
            } else {
                append(sb, t, dim + 1, offset + i * stride, integral, sci, width, elide, indent);
            }
            if (i < n - 1) {
                if (last) sb.append(", ");
                else sb.append(",").append("\n".repeat(t.shape.length - dim - 1)).append(indent).append(" ".repeat(dim + 1));
            }
        }
        sb.append(']');
    }

    private static String value(float v, boolean integral, boolean sci) {
        if (Float.isNaN(v)) return "nan";
        if (Float.isInfinite(v)) return v > 0 ? "inf" : "-inf";
        if (integral) return String.format(Locale.ROOT, "%.0f.", v);
        if (sci) return String.format(Locale.ROOT, "%.4e", v);
        String s = String.format(Locale.ROOT, "%.4f", v);
        return s;
    }
}
