package dev.nabla.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Runs} a vector at a time, whole vectors only. A copied run's last vector ends at the run's end when the run
 * is at least a vector long, else it takes the entries after the run along (the caller writes them later). An added
 * run's last vector reads and writes back the entries after it, adding -0 there, which changes no bit (x + -0 is x,
 * also for -0 and NaN). Its lanes of src are kept inside the run and replaced by -0's bits outside; a masked add was
 * four times as slow on JDK 17, and a half-width species for short runs made C2 fail to compile the stores of every
 * FloatVector user (their profile saw two shapes). What a vector would take past an array or the limit is left to
 * the scalar loop. Loaded only with the module.
 */
final class VectorRuns implements Runs.Impl {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I = S.withLanes(int.class);
    private static final int L = S.length();

    @Override
    public void add(float[] src, int from, int srcStride, float[] dst, int to, int dstStride, int count, int length, int limit) {
        int bound = Math.min(limit, dst.length), whole = length - length % L;
        IntVector keep = IntVector.zero(I).addIndex(1).compare(VectorOperators.LT, length - whole).toVector().reinterpretAsInts();
        IntVector minusZero = IntVector.broadcast(I, 0x80000000).and(keep.not());
        // Runs closer than a vector apart are done every other one, so that a run's loads do not wait for the
        // previous run's stores to the same bytes (that store-to-load forwarding stall made this three times as slow).
        int step = dstStride >= length + L ? 1 : 2;
        for (int first = 0; first < step; first++) {
            for (int i = first; i < count; i += step) {
                int s = from + i * srcStride, d = to + i * dstStride, j = 0;
                for (; j < whole; j += L) {
                    FloatVector.fromArray(S, dst, d + j).add(FloatVector.fromArray(S, src, s + j)).intoArray(dst, d + j);
                }
                if (j == length) continue;
                if (s + j + L <= src.length && d + j + L <= bound) {
                    FloatVector part = FloatVector.fromArray(S, src, s + j).reinterpretAsInts().and(keep).or(minusZero).reinterpretAsFloats();
                    FloatVector.fromArray(S, dst, d + j).add(part).intoArray(dst, d + j);
                } else {
                    Runs.Scalar.addRun(src, s, dst, d, j, length);
                }
            }
        }
    }

    @Override
    public void copy(float[] src, int from, int srcStride, float[] dst, int to, int dstStride, int count, int length, int limit) {
        int bound = Math.min(limit, dst.length);
        if (length < L && (long) from + (long) (count - 1) * srcStride + L <= src.length && (long) to + (long) (count - 1) * dstStride + L <= bound) {
            // every run's vector fits: one loop with no test per run (W5's 3168 runs of 11 an image, twice a step)
            for (int i = 0, s = from, d = to; i < count; i++, s += srcStride, d += dstStride) FloatVector.fromArray(S, src, s).intoArray(dst, d);
            return;
        }
        for (int i = 0; i < count; i++) {
            int s = from + i * srcStride, d = to + i * dstStride;
            if (length >= L) {
                for (int j = 0; j < length - L; j += L) FloatVector.fromArray(S, src, s + j).intoArray(dst, d + j);
                FloatVector.fromArray(S, src, s + length - L).intoArray(dst, d + length - L);
            } else if (s + L <= src.length && d + L <= bound) {
                FloatVector.fromArray(S, src, s).intoArray(dst, d);
            } else {
                System.arraycopy(src, s, dst, d, length);
            }
        }
    }
}
