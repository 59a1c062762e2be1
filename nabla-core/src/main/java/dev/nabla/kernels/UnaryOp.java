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
            case GELU: Gelu.forward(a, out); break;
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

    /** 2/sqrt(pi) (-1)^n / (n! (2n + 1)), n = 0..11: the coefficients of erf's series in x^2 (times x). */
    private static final double[] ERF_SERIES = new double[12];

    static {
        double factorial = 1;
        for (int n = 0; n < ERF_SERIES.length; n++) {
            if (n > 0) factorial *= n;
            ERF_SERIES[n] = (n % 2 == 0 ? 2 : -2) / Math.sqrt(Math.PI) / (factorial * (2 * n + 1));
        }
    }

    /**
     * The error function, to within 1.2e-7 of erf and of erfc = 1 - erf relatively (float precision, which is what
     * GELU needs): a short series for |x| &lt; 0.5, beyond it erfc from Numerical Recipes' Chebyshev fit
     * ({@code erfcc}). The series-only form it replaces ran up to 80 terms per value: 70% of a Transformer's step.
     */
    public static double erf(double x) {
        double ax = Math.abs(x);
        double r;
        if (ax < 0.5) {
            // Maclaurin series 2/sqrt(pi) sum_n (-1)^n x^(2n+1) / (n! (2n+1)), by Horner in x^2; with x^2 < 1/4 the
            // terms after the 11th are below 1e-16
            double x2 = ax * ax, sum = 0;
            for (int n = ERF_SERIES.length - 1; n >= 0; n--) sum = sum * x2 + ERF_SERIES[n];
            r = ax * sum;
        } else {
            r = 1 - erfc(ax);
        }
        return x < 0 ? -r : r;
    }

    /**
     * Phi(x) = (1 + erf(x / sqrt 2)) / 2, the standard normal CDF (exact GELU is x Phi(x)), within 1.2e-7 relatively
     * on both sides: from erfc alone, with no branch on the size of x, so a loop over it stays a short straight line.
     */
    public static double normalCdf(double x) {
        double tail = 0.5 * erfc(Math.abs(x) * INV_SQRT_2);
        return x < 0 ? tail : 1 - tail;
    }

    /** erfc(x) for x &gt;= 0, relative error below 1.2e-7. */
    private static double erfc(double x) {
        double t = 1 / (1 + 0.5 * x);
        double p = -1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
                + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
        return t * Math.exp(-x * x + p);
    }
}
