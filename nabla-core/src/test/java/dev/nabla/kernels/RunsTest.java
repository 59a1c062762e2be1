package dev.nabla.kernels;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs added into runs: the plain loop's bits, in the runs and (untouched) everywhere else, with -0 and NaN about.
 * Runs copied: their bits, and nothing written outside [to, limit) nor, for runs of a vector or more, outside the runs.
 */
class RunsTest {

    @Test
    void addingRunsGivesThePlainLoopsBitsAndLeavesEveryOtherEntryAlone() {
        assertThat(Runs.IMPL).isNotInstanceOf(Runs.Scalar.class); // the tests run with the incubator module
        Random r = new Random(4);
        for (int length = 1; length <= 40; length++) {
            for (int gap : new int[] {0, 1, 2, 5, 17}) {
                Layout l = Layout.random(r, length, gap);
                int count = l.count, srcStride = l.srcStride, dstStride = l.dstStride, to = Layout.TO, from = Layout.FROM;
                float[] src = l.src, dst = l.dst;
                float[] plain = dst.clone();
                for (int i = 0; i < count; i++) {
                    for (int j = 0; j < length; j++) plain[to + i * dstStride + j] += src[from + i * srcStride + j];
                }
                int limit = to + (count - 1) * dstStride + length + r.nextInt(20);
                Runs.add(src, from, srcStride, dst, to, dstStride, count, length, limit);
                for (int i = 0; i < dst.length; i++) {
                    assertThat(Float.floatToRawIntBits(dst[i])).as("length %d gap %d count %d at %d: %s vs %s", length, gap, count, i, dst[i], plain[i])
                            .isEqualTo(Float.floatToRawIntBits(plain[i]));
                }
            }
        }
    }

    @Test
    void copyingRunsGivesTheirBitsAndWritesNothingBeforeTheFirstNorAtTheLimitOrAfter() {
        Random r = new Random(5);
        int lanes = 16; // at most (AVX-512's floats): runs this long or longer write nothing outside themselves
        for (int length = 1; length <= 40; length++) {
            for (int gap : new int[] {0, 1, 2, 5, 17}) {
                Layout l = Layout.random(r, length, gap);
                int count = l.count, srcStride = l.srcStride, dstStride = l.dstStride, to = Layout.TO, from = Layout.FROM;
                float[] src = l.src, dst = l.dst;
                float[] before = dst.clone();
                boolean[] inRun = new boolean[dst.length];
                for (int i = 0; i < count; i++) for (int j = 0; j < length; j++) inRun[to + i * dstStride + j] = true;
                int limit = to + (count - 1) * dstStride + length + r.nextInt(20);
                Runs.copy(src, from, srcStride, dst, to, dstStride, count, length, limit);
                for (int i = 0; i < count; i++) {
                    for (int j = 0; j < length; j++) {
                        int at = to + i * dstStride + j;
                        assertThat(Float.floatToRawIntBits(dst[at])).as("length %d gap %d count %d run %d entry %d", length, gap, count, i, j)
                                .isEqualTo(Float.floatToRawIntBits(src[from + i * srcStride + j]));
                    }
                }
                for (int i = 0; i < dst.length; i++) {
                    if (inRun[i] || i >= to && i < limit && length < lanes) continue; // a short run's vector may pass it
                    assertThat(Float.floatToRawIntBits(dst[i])).as("length %d gap %d count %d untouched %d", length, gap, count, i)
                            .isEqualTo(Float.floatToRawIntBits(before[i]));
                }
            }
        }
    }

    /** {@code count} runs of {@code length} from FROM in src, to TO in dst ({@code gap} floats apart), filled with specials. */
    private record Layout(int count, int srcStride, int dstStride, float[] src, float[] dst) {
        static final int FROM = 2, TO = 3;

        static Layout random(Random r, int length, int gap) {
            int count = 1 + r.nextInt(12), srcStride = length + r.nextInt(3), dstStride = length + gap;
            float[] src = new float[FROM + count * srcStride + r.nextInt(3)], dst = new float[TO + count * dstStride + 20];
            for (int i = 0; i < src.length; i++) src[i] = special(r, i);
            for (int i = 0; i < dst.length; i++) dst[i] = special(r, i + 1);
            return new Layout(count, srcStride, dstStride, src, dst);
        }
    }

    /** Mostly Gaussian, with some -0, +0, NaN and infinities, on both sides of the adds. */
    private static float special(Random r, int i) {
        return switch (i % 11) {
            case 3 -> -0f;
            case 5 -> 0f;
            case 7 -> r.nextInt(4) == 0 ? Float.NaN : Float.NEGATIVE_INFINITY;
            default -> (float) r.nextGaussian();
        };
    }
}
