package dev.nabla.testing;

import dev.nabla.kernels.RecycledArrays;

import java.util.Arrays;

/** Puts {@link RecycledArrays} in a known state for tests of the code that takes from it. */
public final class RecycledPool {

    private RecycledPool() {
    }

    /** Takes every kept array of these lengths, so that the next takers get new (zeroed) arrays. */
    public static void drain(int... lengths) {
        for (int n : lengths) for (int i = 0; i < RecycledArrays.PER_LENGTH; i++) RecycledArrays.take(n);
    }

    /** Leaves arrays full of NaN, and only those, for the next takers of these lengths. */
    public static void poison(int... lengths) {
        drain(lengths);
        for (int n : lengths) {
            for (int i = 0; i < RecycledArrays.PER_LENGTH; i++) {
                float[] nan = new float[n];
                Arrays.fill(nan, Float.NaN);
                RecycledArrays.give(nan);
            }
        }
    }
}
