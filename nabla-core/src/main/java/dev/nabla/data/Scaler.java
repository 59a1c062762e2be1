package dev.nabla.data;

import dev.nabla.io.JsonFields;
import dev.nabla.tensor.Tensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A per-feature affine rescaling {@code (x - offset) / scale}, fitted on training data only and then applied
 * unchanged to validation, test and prediction data. {@link #standard()} centres to mean 0 and standard deviation
 * 1; {@link #minMax()} maps each feature's training range to [0, 1]. Its {@link #config()} is saved in model files.
 *
 * <pre>{@code
 * Scaler scaler = Scaler.standard().fit(train.x());
 * Tensor xTrain = scaler.transform(train.x()), xTest = scaler.transform(test.x());
 * }</pre>
 */
public final class Scaler {

    public enum Kind { STANDARD, MIN_MAX }

    private final Kind kind;
    private float[] offset;
    private float[] scale;

    private Scaler(Kind kind) {
        this.kind = kind;
    }

    public static Scaler standard() {
        return new Scaler(Kind.STANDARD);
    }

    public static Scaler minMax() {
        return new Scaler(Kind.MIN_MAX);
    }

    /** Learns the per-feature statistics of {@code x} ([n, features...]); constant features are left unscaled. */
    public Scaler fit(Tensor x) {
        int n = x.dim(0), f = x.size() / n;
        float[] d = x.data();
        offset = new float[f];
        scale = new float[f];
        for (int j = 0; j < f; j++) {
            double a, b;
            if (kind == Kind.STANDARD) {
                double sum = 0, sq = 0;
                for (int i = 0; i < n; i++) sum += d[i * f + j];
                double mean = sum / n;
                for (int i = 0; i < n; i++) {
                    double e = d[i * f + j] - mean;
                    sq += e * e;
                }
                a = mean;
                b = Math.sqrt(sq / n);
            } else {
                double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
                for (int i = 0; i < n; i++) {
                    lo = Math.min(lo, d[i * f + j]);
                    hi = Math.max(hi, d[i * f + j]);
                }
                a = lo;
                b = hi - lo;
            }
            offset[j] = (float) a;
            scale[j] = b > 1e-12 ? (float) b : 1f;
        }
        return this;
    }

    public boolean isFitted() {
        return offset != null;
    }

    /** {@code (x - offset) / scale} per feature, as a new tensor. */
    public Tensor transform(Tensor x) {
        if (offset == null) throw new IllegalStateException("Scaler.transform: call fit(trainingFeatures) first");
        int n = x.dim(0), f = x.size() / Math.max(n, 1);
        if (f != offset.length) {
            throw new IllegalArgumentException("Scaler.transform: fitted on " + offset.length + " features, got " + f + " per row");
        }
        float[] d = x.data(), out = new float[d.length];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < f; j++) out[i * f + j] = (d[i * f + j] - offset[j]) / scale[j];
        }
        return Tensor.of(out, x.shape());
    }

    /** {@code {"kind": "standard", "offset": [...], "scale": [...]}} */
    public Map<String, Object> config() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("kind", kind.name().toLowerCase(Locale.ROOT));
        c.put("offset", toList(offset));
        c.put("scale", toList(scale));
        return c;
    }

    /** The scaler a {@link #config()} describes, as model files keep it under {@code preprocessing.scaler}. */
    public static Scaler fromConfig(Map<?, ?> c) {
        return fromConfig(c, "preprocessing.scaler");
    }

    /** As {@link #fromConfig(Map)}; {@code where} is the config's path in its file, which errors name. */
    public static Scaler fromConfig(Map<?, ?> c, String where) {
        JsonFields f = new JsonFields(c, where);
        String kind = f.requireString("kind");
        Scaler s = switch (kind.toLowerCase(Locale.ROOT)) {
            case "standard" -> standard();
            case "min_max" -> minMax();
            default -> throw f.error("kind", "expected \"standard\" or \"min_max\", got \"" + kind + "\"");
        };
        s.offset = numbers(f, "offset");
        s.scale = numbers(f, "scale");
        if (s.scale.length != s.offset.length) throw f.error("scale", "has " + s.scale.length + " values but offset has " + s.offset.length);
        for (int j = 0; j < s.scale.length; j++) {
            if (s.scale[j] == 0) throw f.error("scale[" + j + "]", "expected a non-zero number (it divides), got 0");
        }
        return s;
    }

    private static float[] numbers(JsonFields f, String key) {
        List<?> l = f.requireList(key);
        float[] a = new float[l.size()];
        for (int i = 0; i < a.length; i++) {
            if (!(l.get(i) instanceof Number n) || !Float.isFinite(n.floatValue())) {
                throw f.error(key + "[" + i + "]", "expected a finite number, got " + JsonFields.show(l.get(i)));
            }
            a[i] = n.floatValue();
        }
        return a;
    }

    private static List<Double> toList(float[] a) {
        List<Double> l = new ArrayList<>();
        if (a != null) for (float v : a) l.add((double) v);
        return l;
    }
}
