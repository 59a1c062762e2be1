package dev.nabla.train.metrics;

import dev.nabla.tensor.Shape;
import dev.nabla.tensor.Tensor;

/** Mean absolute error, mean squared error and R^2 over every value seen since reset (double accumulators). */
final class Regression implements Metric {

    enum Kind { MAE, MSE, R2 }

    private final Kind kind;
    private double absSum, sqSum, targetSum, targetSqSum;
    private long count;

    Regression(Kind kind) {
        this.kind = kind;
    }

    @Override
    public void reset() {
        absSum = sqSum = targetSum = targetSqSum = 0;
        count = 0;
    }

    @Override
    public void update(Tensor yTrue, Tensor yPred) {
        float[] t = yTrue.data(), p = yPred.data();
        if (t.length != p.length) {
            throw new IllegalArgumentException(name() + ": targets " + Shape.str(yTrue.shape()) + " and predictions " + Shape.str(yPred.shape()) + " differ in size");
        }
        for (int i = 0; i < t.length; i++) {
            double e = (double) p[i] - t[i];
            absSum += Math.abs(e);
            sqSum += e * e;
            targetSum += t[i];
            targetSqSum += (double) t[i] * t[i];
        }
        count += t.length;
    }

    @Override
    public double result() {
        if (count == 0) return Double.NaN;
        switch (kind) {
            case MAE: return absSum / count;
            case MSE: return sqSum / count;
            default:
                double mean = targetSum / count;
                double total = targetSqSum - count * mean * mean;
                return total == 0 ? Double.NaN : 1 - sqSum / total;
        }
    }

    @Override
    public String name() {
        return kind.name().toLowerCase(java.util.Locale.ROOT);
    }
}
