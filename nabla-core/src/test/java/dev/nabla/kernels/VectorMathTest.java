package dev.nabla.kernels;

import dev.nabla.testing.ChildJvm;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleUnaryOperator;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/** VectorMath's exp, tanh and sigmoid against Math's in double, over a dense sweep of floats, in ulps of the result. */
class VectorMathTest {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    @Test
    void expIsWithinTwoUlpsOfMathExpOverTheWholeFiniteRange() {
        assertThat(maxUlps(VectorMath::exp, Math::exp, -87.33f, 88.72f)).isLessThanOrEqualTo(2);
    }

    @Test
    void tanhIsWithinTwoUlpsOfMathTanhNearZeroAcrossTheSeriesLimitAndInTheTails() {
        assertThat(maxUlps(VectorMath::tanh, Math::tanh, -12f, 12f)).isLessThanOrEqualTo(2);
        assertThat(maxUlps(VectorMath::tanh, Math::tanh, -1e-3f, 1e-3f)).isLessThanOrEqualTo(1);
        assertThat(maxUlps(VectorMath::tanh, Math::tanh, 0.5f, 0.6f)).isLessThanOrEqualTo(2);
    }

    @Test
    void sigmoidIsWithinTwoUlpsOfTheExactOneAboveTheUnderflowRange() {
        assertThat(maxUlps(VectorMath::sigmoid, x -> 1 / (1 + Math.exp(-x)), -80f, 80f)).isLessThanOrEqualTo(2);
    }

    @Test
    void extremesSaturateAndNanStaysNan() {
        float[] x = new float[S.length()];
        float[] in = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 1e30f, -1e30f, 0f, -0f, 100f};
        System.arraycopy(in, 0, x, 0, Math.min(in.length, x.length));
        float[] e = new float[x.length], t = new float[x.length], s = new float[x.length];
        VectorMath.exp(FloatVector.fromArray(S, x, 0)).intoArray(e, 0);
        VectorMath.tanh(FloatVector.fromArray(S, x, 0)).intoArray(t, 0);
        VectorMath.sigmoid(FloatVector.fromArray(S, x, 0)).intoArray(s, 0);
        assertThat(e[0]).isNaN();
        assertThat(t[0]).isNaN();
        assertThat(s[0]).isNaN();
        assertThat(new float[] {t[1], t[2], t[3], t[4], t[5]}).containsExactly(1f, -1f, 1f, -1f, 0f);
        assertThat(new float[] {s[1], s[3], s[5]}).containsExactly(1f, 1f, 0.5f);
        assertThat(s[2]).isZero();
        assertThat(e[1]).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(e[2]).isZero();
        assertThat(e[5]).isEqualTo(1f);
    }

    /**
     * The point of VectorMath: a JVM limited to C1, which compiles no vector intrinsics (each lane is then computed
     * by the Vector API's Java fallback), gives the same bits as this one after warm-up. The Vector API's own EXP and
     * TANH fail this: compiled, they call the JIT's short vector routines instead of Math.
     */
    @Test
    void theSameBitsWithoutTheJitsVectorCode() throws Exception {
        for (int rep = 0; rep < 20; rep++) fingerprints();
        List<String> compiled = fingerprints();
        List<String> out = ChildJvm.run(VectorMathTest.class, 120, "-XX:TieredStopAtLevel=1");
        assertThat(out.stream().filter(l -> l.contains("=")).toList()).isEqualTo(compiled);
    }

    /** Prints the fingerprints (run by the test above in a C1-only JVM). */
    public static void main(String[] args) {
        fingerprints().forEach(System.out::println);
    }

    /** exp, tanh and sigmoid over 2^16 floats spread over [-100, 100], each as a hash of the raw bits. */
    private static List<String> fingerprints() {
        int n = 1 << 16;
        float[] x = new float[n], y = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) Math.sinh(6.0 * (2.0 * i / (n - 1) - 1)) * 0.5f;
        List<String> out = new ArrayList<>();
        List<UnaryOperator<FloatVector>> fs = List.of(VectorMath::exp, VectorMath::tanh, VectorMath::sigmoid);
        String[] names = {"exp", "tanh", "sigmoid"};
        for (int f = 0; f < fs.size(); f++) {
            for (int i = 0; i < n; i += S.length()) fs.get(f).apply(FloatVector.fromArray(S, x, i)).intoArray(y, i);
            long h = 17;
            for (float v : y) h = h * 31 + Float.floatToRawIntBits(v);
            out.add(names[f] + "=" + Long.toHexString(h));
        }
        return out;
    }

    /** The largest distance, in ulps of the exact result rounded to float, over 2^20 evenly spaced floats in [lo, hi]. */
    private static long maxUlps(UnaryOperator<FloatVector> f, DoubleUnaryOperator exact, float lo, float hi) {
        int n = 1 << 20;
        float[] x = new float[n], y = new float[n];
        for (int i = 0; i < n; i++) x[i] = lo + (hi - lo) * i / (n - 1);
        for (int i = 0; i < n; i += S.length()) f.apply(FloatVector.fromArray(S, x, i)).intoArray(y, i);
        long worst = 0;
        for (int i = 0; i < n; i++) {
            float want = (float) exact.applyAsDouble(x[i]);
            long ulps = Math.abs((long) Float.floatToIntBits(want) - Float.floatToIntBits(y[i]));
            if (Math.signum(want) != Math.signum(y[i]) && want != 0 && y[i] != 0) ulps = Long.MAX_VALUE;
            worst = Math.max(worst, ulps);
        }
        return worst;
    }
}
