package dev.nabla.kernels;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/** {@link ConvPool2x2} on the Vector API, L windows of four filters at a time; loaded only with the module. */
final class VectorConvPool2x2 implements ConvPool2x2.Impl {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> INTS = VectorSpecies.of(int.class, VectorShape.forBitSize(S.vectorBitSize()));
    private static final int L = S.length();

    /** A thread's work arrays, grown on demand: a chunk runs on one thread at a time, so it has them to itself. */
    private static final class Work {
        float[] planes = new float[0], conv = new float[0], pooled = new float[0], cornerGradients = new float[0], lanes = new float[0];
        byte[] corners = new byte[0];
        final float[] tailOut = new float[L], tailDy = new float[L];
        final byte[] tailCorners = new byte[L];
    }

    private static final ThreadLocal<Work> WORK = ThreadLocal.withInitial(Work::new);

    @Override
    public int lanes() {
        return L;
    }

    @Override
    public boolean forward(ConvPool2x2.Plan p, float[] x, int sample, float[] kernel, float[] bias, int filters,
                           float[] out, int outOff, byte[] corners) {
        Work work = WORK.get();
        if (work.planes.length < p.planesSize) work.planes = new float[p.planesSize];
        if (work.pooled.length < filters * p.padded) {
            work.pooled = new float[filters * p.padded];
            work.corners = new byte[filters * p.padded];
        }
        float[] planes = work.planes, pooled = work.pooled;
        byte[] won = work.corners;
        p.fill(x, sample, planes);
        if (work.conv.length < 16 * p.padded) work.conv = new float[16 * p.padded];
        float[] conv = work.conv;
        int padded = p.padded, f = 0;
        for (; f < filters; f += 4) {
            if (f + 4 <= filters) fourFilters(p, planes, kernel, f, conv);
            else for (int g = f; g < filters; g++) oneFilter(p, planes, kernel, g, conv, (g - f) * 4 * padded);
            pool(p, conv, bias, f, Math.min(4, filters - f), pooled, won);
        }
        if (hasNaN(pooled, filters * padded)) return false;
        // Through the work arrays: the last vector of a filter's windows runs past them, into the next sample's.
        for (f = 0; f < filters; f++) {
            System.arraycopy(pooled, f * padded, out, outOff + f * p.pooled, p.pooled);
            System.arraycopy(won, f * padded, corners, outOff + f * p.pooled, p.pooled);
        }
        return true;
    }

    /**
     * Filters f..f+3 at the four corners of every window, into conv[(filter - f) * 4 + corner][window]: for each
     * corner the GEMM's chain of multiply-adds (tap order, from zero), four filters sharing each load of the inputs.
     * The pooling is a pass of its own: C2 compiled vector code after this loop as calls, with boxed vectors.
     */
    private static void fourFilters(ConvPool2x2.Plan p, float[] planes, float[] kernel, int f, float[] conv) {
        int rows = p.rows, padded = p.padded;
        int[] taps = p.taps;
        FloatVector zero = FloatVector.zero(S);
        for (int q = 0; q < padded; q += L) {
            FloatVector a0 = zero, a1 = zero, a2 = zero, a3 = zero, b0 = zero, b1 = zero, b2 = zero, b3 = zero;
            FloatVector c0 = zero, c1 = zero, c2 = zero, c3 = zero, d0 = zero, d1 = zero, d2 = zero, d3 = zero;
            for (int t = 0, w = f * rows; t < rows; t++, w++) {
                FloatVector x0 = FloatVector.fromArray(S, planes, taps[t] + q);
                FloatVector x1 = FloatVector.fromArray(S, planes, taps[rows + t] + q);
                FloatVector x2 = FloatVector.fromArray(S, planes, taps[2 * rows + t] + q);
                FloatVector x3 = FloatVector.fromArray(S, planes, taps[3 * rows + t] + q);
                FloatVector k = FloatVector.broadcast(S, kernel[w]);
                a0 = k.fma(x0, a0);
                a1 = k.fma(x1, a1);
                a2 = k.fma(x2, a2);
                a3 = k.fma(x3, a3);
                k = FloatVector.broadcast(S, kernel[w + rows]);
                b0 = k.fma(x0, b0);
                b1 = k.fma(x1, b1);
                b2 = k.fma(x2, b2);
                b3 = k.fma(x3, b3);
                k = FloatVector.broadcast(S, kernel[w + 2 * rows]);
                c0 = k.fma(x0, c0);
                c1 = k.fma(x1, c1);
                c2 = k.fma(x2, c2);
                c3 = k.fma(x3, c3);
                k = FloatVector.broadcast(S, kernel[w + 3 * rows]);
                d0 = k.fma(x0, d0);
                d1 = k.fma(x1, d1);
                d2 = k.fma(x2, d2);
                d3 = k.fma(x3, d3);
            }
            a0.intoArray(conv, q);
            a1.intoArray(conv, padded + q);
            a2.intoArray(conv, 2 * padded + q);
            a3.intoArray(conv, 3 * padded + q);
            b0.intoArray(conv, 4 * padded + q);
            b1.intoArray(conv, 5 * padded + q);
            b2.intoArray(conv, 6 * padded + q);
            b3.intoArray(conv, 7 * padded + q);
            c0.intoArray(conv, 8 * padded + q);
            c1.intoArray(conv, 9 * padded + q);
            c2.intoArray(conv, 10 * padded + q);
            c3.intoArray(conv, 11 * padded + q);
            d0.intoArray(conv, 12 * padded + q);
            d1.intoArray(conv, 13 * padded + q);
            d2.intoArray(conv, 14 * padded + q);
            d3.intoArray(conv, 15 * padded + q);
        }
    }

    /** Filter f alone, as {@link #fourFilters}, into conv[at + corner * padded + window]. */
    private static void oneFilter(ConvPool2x2.Plan p, float[] planes, float[] kernel, int f, float[] conv, int at) {
        int rows = p.rows, padded = p.padded;
        int[] taps = p.taps;
        FloatVector zero = FloatVector.zero(S);
        for (int q = 0; q < padded; q += L) {
            FloatVector a0 = zero, a1 = zero, a2 = zero, a3 = zero;
            for (int t = 0; t < rows; t++) {
                FloatVector k = FloatVector.broadcast(S, kernel[f * rows + t]);
                a0 = k.fma(FloatVector.fromArray(S, planes, taps[t] + q), a0);
                a1 = k.fma(FloatVector.fromArray(S, planes, taps[rows + t] + q), a1);
                a2 = k.fma(FloatVector.fromArray(S, planes, taps[2 * rows + t] + q), a2);
                a3 = k.fma(FloatVector.fromArray(S, planes, taps[3 * rows + t] + q), a3);
            }
            a0.intoArray(conv, at + q);
            a1.intoArray(conv, at + padded + q);
            a2.intoArray(conv, at + 2 * padded + q);
            a3.intoArray(conv, at + 3 * padded + q);
        }
    }

    /**
     * Filters f..f+count-1's windows from their corners' convolutions in conv: the bias, the maximum, then the ReLU
     * (both monotone, so the same value as the ReLU first), into pooled[filter * padded + window]. The winning corner
     * is that of the values before the ReLU: the same where the maximum is positive; where it is not, no gradient
     * passes.
     */
    private static void pool(ConvPool2x2.Plan p, float[] conv, float[] bias, int f, int count, float[] pooled, byte[] won) {
        int padded = p.padded;
        FloatVector zero = FloatVector.zero(S);
        for (int g = 0; g < count; g++) {
            FloatVector shift = FloatVector.broadcast(S, bias == null ? 0f : bias[f + g]);
            int c = g * 4 * padded, at = (f + g) * padded;
            for (int q = 0; q < padded; q += L) {
                FloatVector v0 = FloatVector.fromArray(S, conv, c + q).add(shift);
                FloatVector v1 = FloatVector.fromArray(S, conv, c + padded + q).add(shift);
                FloatVector v2 = FloatVector.fromArray(S, conv, c + 2 * padded + q).add(shift);
                FloatVector v3 = FloatVector.fromArray(S, conv, c + 3 * padded + q).add(shift);
                FloatVector upper = v0.max(v1), lower = v2.max(v3);
                upper.max(lower).max(zero).intoArray(pooled, at + q);
                VectorMaxPool2x2.corners(v0, v1, v2, v3, upper, lower).intoArray(won, at + q);
            }
        }
    }

    /**
     * Whether a[0, n) holds a NaN. Its own loop: a running maximum carried through the loops over filters and windows
     * was kept on the heap by C2 (on JDK 17), an object per vector, as were sums carried through nested loops below.
     */
    private static boolean hasNaN(float[] a, int n) {
        FloatVector probe = FloatVector.zero(S); // max keeps NaNs
        for (int i = 0; i < n; i += L) probe = probe.max(FloatVector.fromArray(S, a, i));
        return probe.compare(VectorOperators.NE, probe).anyTrue();
    }

    @Override
    public void kernelGradient(ConvPool2x2.Plan p, float[] x, float[] out, float[] dy, byte[] corners, int filters,
                               int from, int to, float[] dk, double[] db) {
        Work work = WORK.get();
        int rows = p.rows, padded = p.padded;
        if (work.planes.length < p.planesSize) work.planes = new float[p.planesSize];
        if (work.cornerGradients.length < 4 * padded) work.cornerGradients = new float[4 * padded];
        int lanesSize = (filters * rows + filters) * L;
        if (work.lanes.length < lanesSize) work.lanes = new float[lanesSize];
        float[] planes = work.planes, dc = work.cornerGradients, lanes = work.lanes;
        java.util.Arrays.fill(lanes, 0, lanesSize, 0f);
        int biasLanes = filters * rows * L;
        for (int n = from; n < to; n++) {
            p.fill(x, n, planes);
            for (int f = 0; f < filters; f++) {
                cornerGradients(p, out, dy, corners, (n * filters + f) * p.pooled, dc, lanes, biasLanes + f * L, work);
                int t = 0;
                for (; t + 4 <= rows; t += 4) tapsOfFour(p, planes, dc, t, lanes, (f * rows + t) * L);
                for (; t < rows; t++) tap(p, planes, dc, t, lanes, (f * rows + t) * L);
            }
        }
        for (int i = 0; i < filters * rows; i++) dk[i] = FloatVector.fromArray(S, lanes, i * L).reduceLanes(VectorOperators.ADD);
        for (int f = 0; f < filters; f++) {
            double s = 0;
            for (int i = 0; i < L; i++) s += lanes[biasLanes + f * L + i];
            db[f] = s;
        }
    }

    /**
     * One filter's window gradients (the ReLU's mask applied: zero where the maximum was zero) split by corner:
     * dc[corner * padded + q] is window q's gradient if that corner won it, else 0; windows past the last are 0.
     * Their sum is added to the bias lanes at lanes[bias].
     */
    private static void cornerGradients(ConvPool2x2.Plan p, float[] out, float[] dy, byte[] corners, int o, float[] dc,
                                        float[] lanes, int bias, Work work) {
        int pooled = p.pooled, padded = p.padded;
        FloatVector sum = FloatVector.fromArray(S, lanes, bias);
        for (int q = 0; q < padded; q += L) {
            // The last windows, and zeros past them (a +0 output passes no gradient), through the tail arrays; the
            // arrays are chosen here, not the vectors: C2 boxes a vector assigned in a branch.
            float[] ys = out, gs = dy;
            byte[] cs = corners;
            int at = o + q;
            if (q + L > pooled) {
                for (int i = 0; i < L; i++) {
                    boolean inside = q + i < pooled;
                    work.tailOut[i] = inside ? out[o + q + i] : 0f;
                    work.tailDy[i] = inside ? dy[o + q + i] : 0f;
                    work.tailCorners[i] = inside ? corners[o + q + i] : 0;
                }
                ys = work.tailOut;
                gs = work.tailDy;
                cs = work.tailCorners;
                at = 0;
            }
            IntVector y = FloatVector.fromArray(S, ys, at).reinterpretAsInts();
            IntVector keep = y.or(y.neg()).lanewise(VectorOperators.ASHR, 31); // all ones unless y is +0
            IntVector gradient = FloatVector.fromArray(S, gs, at).reinterpretAsInts().and(keep);
            IntVector corner = (IntVector) ByteVector.fromArray(VectorMaxPool2x2.CORNERS, cs, at).convertShape(VectorOperators.B2I, INTS, 0);
            sum = sum.add(gradient.reinterpretAsFloats());
            gradient.and(won(corner, 0)).reinterpretAsFloats().intoArray(dc, q);
            gradient.and(won(corner, 1)).reinterpretAsFloats().intoArray(dc, padded + q);
            gradient.and(won(corner, 2)).reinterpretAsFloats().intoArray(dc, 2 * padded + q);
            gradient.and(won(corner, 3)).reinterpretAsFloats().intoArray(dc, 3 * padded + q);
        }
        sum.intoArray(lanes, bias);
    }

    /** All ones in the lanes whose corner is c, else zero: (corner ^ c) - 1 is negative only where they are equal. */
    private static IntVector won(IntVector corner, int c) {
        return corner.lanewise(VectorOperators.XOR, c).sub(1).lanewise(VectorOperators.ASHR, 31);
    }

    /**
     * Taps t..t+3 of one filter: the sum over corners and windows of dc times the taps' inputs, added to 4 lane
     * vectors. One loop over the windows, the corners written out in it (see {@link #hasNaN}).
     */
    private static void tapsOfFour(ConvPool2x2.Plan p, float[] planes, float[] dc, int t, float[] lanes, int at) {
        int rows = p.rows, padded = p.padded;
        int[] taps = p.taps;
        int a0 = taps[t], a1 = taps[t + 1], a2 = taps[t + 2], a3 = taps[t + 3];
        int b0 = taps[rows + t], b1 = taps[rows + t + 1], b2 = taps[rows + t + 2], b3 = taps[rows + t + 3];
        int c0 = taps[2 * rows + t], c1 = taps[2 * rows + t + 1], c2 = taps[2 * rows + t + 2], c3 = taps[2 * rows + t + 3];
        int d0 = taps[3 * rows + t], d1 = taps[3 * rows + t + 1], d2 = taps[3 * rows + t + 2], d3 = taps[3 * rows + t + 3];
        FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
        for (int q = 0; q < padded; q += L) {
            FloatVector g = FloatVector.fromArray(S, dc, q);
            s0 = g.fma(FloatVector.fromArray(S, planes, a0 + q), s0);
            s1 = g.fma(FloatVector.fromArray(S, planes, a1 + q), s1);
            s2 = g.fma(FloatVector.fromArray(S, planes, a2 + q), s2);
            s3 = g.fma(FloatVector.fromArray(S, planes, a3 + q), s3);
            g = FloatVector.fromArray(S, dc, padded + q);
            s0 = g.fma(FloatVector.fromArray(S, planes, b0 + q), s0);
            s1 = g.fma(FloatVector.fromArray(S, planes, b1 + q), s1);
            s2 = g.fma(FloatVector.fromArray(S, planes, b2 + q), s2);
            s3 = g.fma(FloatVector.fromArray(S, planes, b3 + q), s3);
            g = FloatVector.fromArray(S, dc, 2 * padded + q);
            s0 = g.fma(FloatVector.fromArray(S, planes, c0 + q), s0);
            s1 = g.fma(FloatVector.fromArray(S, planes, c1 + q), s1);
            s2 = g.fma(FloatVector.fromArray(S, planes, c2 + q), s2);
            s3 = g.fma(FloatVector.fromArray(S, planes, c3 + q), s3);
            g = FloatVector.fromArray(S, dc, 3 * padded + q);
            s0 = g.fma(FloatVector.fromArray(S, planes, d0 + q), s0);
            s1 = g.fma(FloatVector.fromArray(S, planes, d1 + q), s1);
            s2 = g.fma(FloatVector.fromArray(S, planes, d2 + q), s2);
            s3 = g.fma(FloatVector.fromArray(S, planes, d3 + q), s3);
        }
        FloatVector.fromArray(S, lanes, at).add(s0).intoArray(lanes, at);
        FloatVector.fromArray(S, lanes, at + L).add(s1).intoArray(lanes, at + L);
        FloatVector.fromArray(S, lanes, at + 2 * L).add(s2).intoArray(lanes, at + 2 * L);
        FloatVector.fromArray(S, lanes, at + 3 * L).add(s3).intoArray(lanes, at + 3 * L);
    }

    /** One tap, as {@link #tapsOfFour}. */
    private static void tap(ConvPool2x2.Plan p, float[] planes, float[] dc, int t, float[] lanes, int at) {
        int rows = p.rows, padded = p.padded;
        int a = p.taps[t], b = p.taps[rows + t], c = p.taps[2 * rows + t], d = p.taps[3 * rows + t];
        FloatVector s = FloatVector.zero(S);
        for (int q = 0; q < padded; q += L) {
            s = FloatVector.fromArray(S, dc, q).fma(FloatVector.fromArray(S, planes, a + q), s);
            s = FloatVector.fromArray(S, dc, padded + q).fma(FloatVector.fromArray(S, planes, b + q), s);
            s = FloatVector.fromArray(S, dc, 2 * padded + q).fma(FloatVector.fromArray(S, planes, c + q), s);
            s = FloatVector.fromArray(S, dc, 3 * padded + q).fma(FloatVector.fromArray(S, planes, d + q), s);
        }
        FloatVector.fromArray(S, lanes, at).add(s).intoArray(lanes, at);
    }
}
