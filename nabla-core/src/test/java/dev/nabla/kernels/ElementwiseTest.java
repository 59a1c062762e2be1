package dev.nabla.kernels;

import dev.nabla.testing.DArray;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ElementwiseTest {

    /**
     * Every broadcast of a binary op, on arrays large enough that threads take parts of them, gives for each element
     * exactly op(a, b) of the elements that broadcasting pairs with it, found here index by index.
     */
    /** Enough rows for the copy to be split across threads (when there are several): each row is the source row. */
    @Test
    void repeatRowCopiesTheRowIntoEveryRow() {
        int m = 3001, n = 50, from = 7;
        float[] row = new float[from + n + 3];
        for (int j = 0; j < row.length; j++) row[j] = j * 0.5f - 3;
        float[] out = new float[m * n];
        java.util.Arrays.fill(out, Float.NaN);
        Elementwise.repeatRow(row, from, n, out, m);
        float[] want = java.util.Arrays.copyOfRange(row, from, from + n);
        for (int i = 0; i < m; i++) assertArrayEquals(want, java.util.Arrays.copyOfRange(out, i * n, i * n + n), "row " + i);
    }

    @Test
    void broadcastBinaryOpsSplitAcrossThreadsPairTheElementsThatBroadcastingPairs() {
        int[] out = {60, 37, 41};
        int[][] bShapes = {{60, 37, 41}, {37, 1}, {41}, {60, 1, 41}, {60, 37, 1}, {1, 37, 41}, {}};
        java.util.Random r = new java.util.Random(5);
        float[] a = random(r, 60 * 37 * 41);
        for (int[] bShape : bShapes) {
            float[] b = random(r, Math.max(1, java.util.Arrays.stream(bShape).reduce(1, (x, y) -> x * y)));
            for (BinaryOp op : new BinaryOp[] {BinaryOp.ADD, BinaryOp.SUB, BinaryOp.MUL, BinaryOp.DIV, BinaryOp.MAX}) {
                float[] got = new float[a.length], gotSwapped = new float[a.length];
                Elementwise.binary(op, a, out, b, bShape, got, out);
                Elementwise.binary(op, b, bShape, a, out, gotSwapped, out);
                int[] bs = Elementwise.broadcastStrides(bShape, out);
                for (int i = 0; i < a.length; i++) {
                    int d0 = i / (37 * 41), d1 = i / 41 % 37, d2 = i % 41;
                    float y = b[d0 * bs[0] + d1 * bs[1] + d2 * bs[2]];
                    if (Float.floatToRawIntBits(got[i]) != Float.floatToRawIntBits(op.apply(a[i], y))
                            || Float.floatToRawIntBits(gotSwapped[i]) != Float.floatToRawIntBits(op.apply(y, a[i]))) {
                        throw new AssertionError(op + " with b " + java.util.Arrays.toString(bShape) + " at " + i + ": got " + got[i]
                                + " and " + gotSwapped[i] + " for a " + a[i] + ", b " + y);
                    }
                }
            }
        }
    }

    private static float[] random(java.util.Random r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = r.nextFloat() * 4f - 2f;
        return x;
    }

    @Test
    void reluGradientPassesTheGradientExactlyWhereTheInputWasPositive() {
        float[] x = {2f, -3f, 0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MAX_VALUE, Float.NEGATIVE_INFINITY,
                Float.POSITIVE_INFINITY, 1e-30f, -1e30f};
        float[] g = {1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f, -10f, 11f};
        float[] out = new float[x.length + 2];
        out[0] = 99f;
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) y[i] = Math.max(x[i], 0f);
        Elementwise.reluGradientFromOutput(y, 0, g, 0, out, 1, x.length);
        float[] expected = new float[x.length + 2];
        expected[0] = 99f;
        for (int i = 0; i < x.length; i++) expected[i + 1] = x[i] > 0f ? g[i] : 0f;
        assertArrayEquals(expected, out);
    }

    @Test
    void reluGradientPassesTheGradientWhereTheInputWasNaNOfEitherSignAsPyTorchs() {
        // ReLU outputs: NaN of either sign (as max(NaN, 0) may return it), or +0 for inputs at or below 0.
        float[] y = {Float.NaN, Float.intBitsToFloat(0xffc00000), Float.intBitsToFloat(0x7f800001), Float.intBitsToFloat(0xff800001),
                Float.intBitsToFloat(0xffffffff), Math.max(Float.NEGATIVE_INFINITY, 0f), Math.max(-1f, 0f), Math.max(-0f, 0f)};
        float[] g = {1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f}, out = new float[y.length];
        Elementwise.reluGradientFromOutput(y, 0, g, 0, out, 0, y.length);
        assertArrayEquals(new float[] {1f, 2f, 3f, 4f, 5f, 0f, 0f, 0f}, out);
    }

    @Test
    void erfAndItsComplementAreWithinFloatPrecisionOfTheDoubleReference() {
        for (int i = -8000; i <= 8000; i++) {
            double x = i / 1000.0, got = UnaryOp.erf(x), want = DArray.erf(x);
            assertTrue(Math.abs(got - want) <= 1.5e-7, "erf(" + x + ") = " + got + ", reference " + want);
            if (Math.abs(x) < 0.5 || Math.abs(x) > 5) continue;
            double tail = erfcBySimpson(Math.abs(x)); // GELU's x Phi(x) for negative x lives on erfc(|x|)
            assertTrue(Math.abs((1 - Math.abs(got)) - tail) <= 1.5e-7 * tail + 2.3e-16, "erfc(" + Math.abs(x) + ") = " + (1 - Math.abs(got)) + ", reference " + tail);
        }
    }

    /** 2/sqrt(pi) times the integral of e^(-t^2) from x to x + 8 (the rest is below 1e-28), by Simpson's rule. */
    private static double erfcBySimpson(double x) {
        int n = 8000;
        double h = 8.0 / n, s = Math.exp(-x * x) + Math.exp(-(x + 8) * (x + 8));
        for (int i = 1; i < n; i++) s += (i % 2 == 1 ? 4 : 2) * Math.exp(-(x + i * h) * (x + i * h));
        return s * h / 3 * 2 / Math.sqrt(Math.PI);
    }
}
