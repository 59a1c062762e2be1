package dev.nabla.kernels;

/** Elementwise functions of one argument; each loop is a plain pass over a float array. */
public enum UnaryOp {
    NEG, EXP, LOG, SQRT, ABS, SIGN, RELU, SIGMOID, TANH, SOFTPLUS, SQUARE, RECIPROCAL, GELU, GELU_TANH;

    private final String opName = name().toLowerCase(java.util.Locale.ROOT);

    /** The op's name in graphs and error messages, e.g. {@code "add"}; computed once, not per call. */
    public String opName() {
        return opName;
    }

    private static final float SQRT_2_OVER_PI = (float) Math.sqrt(2 / Math.PI);
    private static final double INV_SQRT_2 = 1 / Math.sqrt(2);

    /** out[i] = f(a[i]); out may be a. */
    public void apply(float[] a, float[] out) {
        int n = a.length;
        switch (this) {
            case NEG: for (int i = 0; i < n; i++) out[i] = -a[i]; break;
            case EXP: for (int i = 0; i < n; i++) out[i] = (float) Math.exp(a[i]); break;
            case LOG: for (int i = 0; i < n; i++) out[i] = (float) Math.log(a[i]); break;
            case SQRT: for (int i = 0; i < n; i++) out[i] = (float) Math.sqrt(a[i]); break;
            case ABS: for (int i = 0; i < n; i++) out[i] = Math.abs(a[i]); break;
            case SIGN: for (int i = 0; i < n; i++) out[i] = Math.signum(a[i]); break;
            case RELU: for (int i = 0; i < n; i++) out[i] = Math.max(a[i], 0f); break; // NaN stays NaN, as PyTorch's
            case SIGMOID: for (int i = 0; i < n; i++) out[i] = sigmoid(a[i]); break;
            case TANH: for (int i = 0; i < n; i++) out[i] = (float) Math.tanh(a[i]); break;
            case SOFTPLUS: for (int i = 0; i < n; i++) out[i] = softplus(a[i]); break;
            case SQUARE: for (int i = 0; i < n; i++) out[i] = a[i] * a[i]; break;
            case RECIPROCAL: for (int i = 0; i < n; i++) out[i] = 1f / a[i]; break;
            case GELU: for (int i = 0; i < n; i++) out[i] = (float) (0.5 * a[i] * (1 + erf(a[i] * INV_SQRT_2))); break;
            case GELU_TANH:
                for (int i = 0; i < n; i++) {
                    float x = a[i];
                    out[i] = 0.5f * x * (1f + (float) Math.tanh(SQRT_2_OVER_PI * (x + 0.044715f * x * x * x)));
                }
                break;
            default: throw new AssertionError(this);
        }
    }

    /** Numerically stable logistic function. */
    public static float sigmoid(float x) {
        if (x >= 0) return (float) (1 / (1 + Math.exp(-x)));
        double e = Math.exp(x);
        return (float) (e / (1 + e));
    }

    /** log(1 + e^x) without overflow. */
    public static float softplus(float x) {
        return (float) (Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x))));
    }

    /** The error function, to double precision within about 1e-15 (series for small |x|, continued fraction beyond). */
    public static double erf(double x) {
        double ax = Math.abs(x);
        double r;
        if (ax < 2.5) {
            // Maclaurin series: erf(x) = 2/sqrt(pi) * sum (-1)^n x^(2n+1) / (n! (2n+1))
            double term = ax, sum = ax, x2 = ax * ax;
            for (int n = 1; n < 80; n++) {
                term *= -x2 / n;
                double add = term / (2 * n + 1);
                sum += add;
                if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
            }
            r = sum * 2 / Math.sqrt(Math.PI);
        } else if (ax > 6) {
            r = 1;
        } else {
            // erfc(x) = exp(-x^2)/sqrt(pi) * 1/(x + 1/2/(x + 1/(x + 3/2/(x + ...)))) (Lentz-free backward evaluation)
            double f = ax;
            for (int k = 60; k >= 1; k--) f = ax + (k / 2.0) / f;
            r = 1 - Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f;
        }
        return x < 0 ? -r : r;
    }
}
