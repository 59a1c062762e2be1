package dev.nabla.kernels;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The in-place gate functions (vectorised when the Vector API is present) against Math's, tails and extremes included. */
class ActivationsTest {

    @Test
    void sigmoidAndTanhInPlaceAgreeWithMathToFloatRoundingOverEveryLengthAndExtremes() {
        for (Activations.Impl impl : new Activations.Impl[] {Activations.IMPL, new Activations.Scalar()}) check(impl);
        assertThat(Activations.tanh(0f)).isZero();
        assertThat(Activations.tanh(-1e-8f)).isCloseTo(-1e-8f, org.assertj.core.data.Offset.offset(1e-15f));
    }

    private static void check(Activations.Impl impl) {
        Random r = new Random(5);
        for (int n = 0; n < 70; n++) {
            float[] x = new float[n + 3];
            for (int i = 0; i < x.length; i++) x[i] = (float) (r.nextGaussian() * 6);
            if (n > 4) {
                x[4] = 100f;
                x[5] = -100f;
            }
            float[] s = x.clone(), t = x.clone(), e = x.clone();
            impl.sigmoid(s, 1, n);
            impl.tanh(t, 1, n);
            impl.exp(e, 1, n);
            for (int i = 0; i < x.length; i++) {
                boolean inside = i >= 1 && i < n + 1;
                double sig = inside ? 1 / (1 + Math.exp(-x[i])) : x[i], th = inside ? Math.tanh(x[i]) : x[i];
                assertThat((double) s[i]).as(impl.getClass().getSimpleName() + " sigmoid n=%d i=%d x=%s", n, i, x[i]).isCloseTo(sig, org.assertj.core.data.Offset.offset(2e-7 * Math.max(1e-30, Math.abs(sig)) + 1e-38));
                assertThat((double) t[i]).as(impl.getClass().getSimpleName() + " tanh n=%d i=%d x=%s", n, i, x[i]).isCloseTo(th, org.assertj.core.data.Offset.offset(4e-7 * Math.abs(th) + 1e-38));
                double ex = Math.exp(x[i]);
                if (!inside) assertThat(e[i]).as("exp outside the run").isEqualTo(x[i]);
                else if ((float) ex == Float.POSITIVE_INFINITY) assertThat(e[i]).as("exp(%s)", x[i]).isInfinite();
                else if (ex < 1.2e-38) assertThat(e[i]).as("exp(%s), below the normal floats", x[i]).isBetween(0f, 1.2e-38f);
                else assertThat((double) e[i]).as(impl.getClass().getSimpleName() + " exp n=%d i=%d x=%s", n, i, x[i]).isCloseTo(ex, org.assertj.core.data.Offset.offset(2.4e-7 * ex));
            }
        }
        float[] nan = {Float.NaN, Float.NaN, Float.NaN, Float.NaN, Float.NaN, Float.NaN, Float.NaN, Float.NaN, Float.NaN, Float.NaN, Float.NaN, Float.NaN, Float.NaN, Float.NaN, Float.NaN, Float.NaN, Float.NaN};
        impl.sigmoid(nan, 0, nan.length);
        for (float v : nan) assertThat(v).isNaN();
        float[] minusInf = new float[17];
        java.util.Arrays.fill(minusInf, Float.NEGATIVE_INFINITY);
        impl.exp(minusInf, 0, minusInf.length);
        for (float v : minusInf) assertThat(v).isZero(); // a masked score in attention's softmax
    }
}
