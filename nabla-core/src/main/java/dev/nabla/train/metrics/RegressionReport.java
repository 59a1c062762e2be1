package dev.nabla.train.metrics;

import dev.nabla.tensor.Shape;
import dev.nabla.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Mean absolute error, root mean squared error and R^2 (scikit-learn's {@code r2_score}: 1 - residual / total sum
 * of squares, over every value) of predictions against targets of the same size, in double precision.
 *
 * <pre>{@code
 * System.out.print(RegressionReport.of(y, model.predict(x)));
 * }</pre>
 */
public record RegressionReport(double mae, double rmse, double r2, long count) {

    public static RegressionReport of(Tensor targets, Tensor predictions) {
        float[] t = targets.data(), p = predictions.data();
        if (t.length != p.length || t.length == 0) {
            throw new IllegalArgumentException("RegressionReport: targets " + Shape.str(targets.shape()) + " and predictions "
                    + Shape.str(predictions.shape()) + " must be the same non-zero size");
        }
        double mean = 0;
        for (float v : t) mean += v;
        mean /= t.length;
        double abs = 0, sq = 0, total = 0;
        for (int i = 0; i < t.length; i++) {
            double e = (double) p[i] - t[i];
            abs += Math.abs(e);
            sq += e * e;
            total += (t[i] - mean) * (t[i] - mean);
        }
        double r2 = total == 0 ? (sq == 0 ? 1 : 0) : 1 - sq / total; // constant targets: scikit-learn's convention
        return new RegressionReport(abs / t.length, Math.sqrt(sq / t.length), r2, t.length);
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mae", mae);
        m.put("rmse", rmse);
        m.put("r2", r2);
        m.put("count", count);
        return m;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "MAE %.6g   RMSE %.6g   R^2 %.6f   (%d values)%n", mae, rmse, r2, count);
    }
}
