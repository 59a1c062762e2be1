package dev.nabla.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * exp, tanh and sigmoid on float vectors from additions, multiplications, fused multiply-adds and bit operations
 * only, so that a value is the same bits whether the JIT has compiled the loop or not.
 *
 * <p>The Vector API's own {@code lanewise(EXP)} and {@code lanewise(TANH)} are not: compiled, they call the JIT's
 * short vector routines; interpreted (the first calls of a run, before the loop is hot), they compute each lane with
 * {@link Math}. The two differ in the last bit, so the first batches of a training run drifted from the same run
 * started again (see RecurrenceDeterminismTest). IEEE additions, products and fma are exact-rounded in both.
 *
 * <p>exp(x) = 2^n e^r with n = round(x / ln 2) and |r| at most ln 2 / 2; e^r by its Taylor series to r^7, whose
 * remainder (r^8 / 8!) is below 6e-9 relative there: the result is within about 2 ulp of exp(x). It costs about
 * 0.34 ns a value against 0.20 for the JIT's routine (tanh 0.71 against 0.36; Xeon, AVX-512): the price of
 * repeatable runs.
 */
final class VectorMath {

    /** The species every caller uses; a constant, so that the JIT compiles each operation to its instruction. */
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /**
     * Inputs are clamped to this range, whose ends the product by 2^n takes to infinity and to zero as exp itself
     * overflows and underflows (exp(89) is above the largest float, exp(-104) below half the smallest subnormal), so no
     * lane needs a special case.
     */
    private static final float MAX = 89f, MIN = -104f;
    private static final float LOG2_E = (float) (1 / Math.log(2));
    /** ln 2 as the nearest float and its remainder, so that r = x - n ln 2 loses nothing to rounding (Cody and Waite). */
    private static final float LN2 = (float) Math.log(2), LN2_REMAINDER = (float) (Math.log(2) - LN2);
    /** 1.5 * 2^23: adding it rounds a float of magnitude below 2^22 to an integer, which its low bits then hold. */
    private static final float ROUNDER = 12582912f;
    private static final int ROUNDER_BITS = Float.floatToRawIntBits(ROUNDER);

    private VectorMath() {
    }

    // No helper methods below, however small: the JIT inlines these functions into the loops that call them only while
    // its node budget lasts, and a vector passed to or returned from a call it did not inline is boxed on the heap
    // (the LSTM cell ran five times slower so). The Vector API's own methods are always inlined.

    static FloatVector exp(FloatVector x) {
        // compare and blend rather than max and min, whose NaN and -0 rules cost several instructions each; NaN stays
        FloatVector v = x.blend(MIN, x.compare(VectorOperators.LT, MIN));
        v = v.blend(MAX, v.compare(VectorOperators.GT, MAX));
        FloatVector shifted = v.fma(LOG2_E, ROUNDER);
        FloatVector n = shifted.sub(ROUNDER);
        FloatVector r = n.fma(FloatVector.broadcast(S, -LN2), v);
        r = n.fma(FloatVector.broadcast(S, -LN2_REMAINDER), r);
        // e^r = 1 + r + r^2/2 + ... + r^7/7!, by Horner
        FloatVector p = r.fma(1f / 5040, 1f / 720);
        p = p.fma(r, FloatVector.broadcast(S, 1f / 120));
        p = p.fma(r, FloatVector.broadcast(S, 1f / 24));
        p = p.fma(r, FloatVector.broadcast(S, 1f / 6));
        p = p.fma(r, FloatVector.broadcast(S, 0.5f));
        p = p.fma(r, FloatVector.broadcast(S, 1f));
        p = p.fma(r, FloatVector.broadcast(S, 1f));
        // 2^n as two powers of two, each with about n/2 (plus the bias 127) in its exponent field: n runs from -150
        // to 128, beyond the exponents a float holds at either end
        IntVector k = ((IntVector) shifted.reinterpretAsInts()).sub(ROUNDER_BITS);
        IntVector half = k.lanewise(VectorOperators.ASHR, 1);
        FloatVector low = (FloatVector) half.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector high = (FloatVector) k.sub(half).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return p.mul(low).mul(high);
    }

    /** tanh(x) = sign(x) (1 - e) / (1 + e) with e = exp(-2|x|), and its odd Taylor series where that cancels. */
    static FloatVector tanh(FloatVector x) {
        FloatVector a = x.abs();
        FloatVector e = exp(a.mul(-2f));
        FloatVector large = e.neg().add(1f).div(e.add(1f));
        FloatVector s = a.mul(a);
        FloatVector q = s.fma(T17, T15);
        q = q.fma(s, FloatVector.broadcast(S, T13));
        q = q.fma(s, FloatVector.broadcast(S, T11));
        q = q.fma(s, FloatVector.broadcast(S, T9));
        q = q.fma(s, FloatVector.broadcast(S, T7));
        q = q.fma(s, FloatVector.broadcast(S, T5));
        q = q.fma(s, FloatVector.broadcast(S, T3));
        FloatVector small = q.mul(s).fma(a, a);
        FloatVector t = small.blend(large, a.compare(VectorOperators.GT, SERIES_LIMIT));
        // x's sign bit onto |tanh x|
        IntVector sign = ((IntVector) x.reinterpretAsInts()).and(Integer.MIN_VALUE);
        return (FloatVector) ((IntVector) t.reinterpretAsInts()).or(sign).reinterpretAsFloats();
    }

    /**
     * Below this, 1 - e would lose bits to cancellation (e = exp(-2|x|) is near 1); up to it, the series
     * x - x^3/3 + 2x^5/15 - ... to x^17 is within 1e-7 relative (its next term, about 0.00024 x^19, is 2.8e-8 here).
     */
    private static final float SERIES_LIMIT = 0.55f;

    /** tanh x = x + x^3 (-1/3 + x^2 (2/15 + ...)): the odd Taylor coefficients from x^3 to x^17, 2^(2k) (2^(2k) - 1) B_(2k) / (2k)!. */
    private static final float T3 = -1f / 3, T5 = 2f / 15, T7 = -17f / 315, T9 = 62f / 2835, T11 = -1382f / 155925,
            T13 = 21844f / 6081075, T15 = -929569f / 638512875, T17 = 6404582f / 10854718875f;

    /** 1 / (1 + exp(-x)). */
    static FloatVector sigmoid(FloatVector x) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        return one.div(exp(x.neg()).add(one));
    }
}
