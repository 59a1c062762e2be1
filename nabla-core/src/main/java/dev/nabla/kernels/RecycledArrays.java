package dev.nabla.kernels;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Float arrays given back once nothing can read them any more, for the next caller that needs one of the same
 * length: an op's saved state once its graph node is freed by a backward pass (or at once if it was not recorded,
 * {@code Autograd.record} with a release), a gradient once the backward pass has consumed it
 * ({@code Tensor.ofRecyclable}), a training step's forward values once the step is over ({@code StepArrays}). A new
 * array from the JVM is zeroed on memory the step has not touched for a while, which perf showed as 15% of W7's
 * training thread (JFR does not see it: the zeroing runs in the VM), and a recycled one is also warm in the cache:
 * W6 took 20% less time an epoch with its recurrence's saved state recycled, W7 15% with its gradients.
 *
 * <p>A taken array holds whatever its last user left in it: the taker writes every element it reads. At most
 * {@link #PER_LENGTH} arrays of one length and {@link #MAX_FLOATS} floats in all are kept; the rest are left to
 * the garbage collector.
 */
public final class RecycledArrays {

    /** Arrays of one length kept at most: a training step gives back its values at once, about 20 of one length in W7. */
    public static final int PER_LENGTH = 32;
    static final long MAX_FLOATS = 32L << 20; // 128 MB

    private static final Map<Integer, ArrayDeque<float[]>> FREE = new HashMap<>();
    private static long held;

    private RecycledArrays() {
    }

    /** Floats a thread fills at least in {@link #takeZeroed}, so that a small array is filled by its caller alone. */
    private static final int PARALLEL_FILL = 1 << 16;

    /** An array of {@code length} floats with undefined contents: a recycled one, else a new one. */
    public static synchronized float[] take(int length) {
        ArrayDeque<float[]> free = FREE.get(length);
        float[] a = free == null ? null : free.poll();
        if (a == null) return new float[length];
        held -= length;
        return a;
    }

    /**
     * As {@link #take}, filled with zeros: for a caller that adds into it. A large one is filled by all threads (W5's
     * and W7's gradients of a megabyte or more were filled by one thread while the other waited).
     */
    public static float[] takeZeroed(int length) {
        float[] a = take(length);
        Parallel.forRange(a.length, PARALLEL_FILL, (from, to) -> Arrays.fill(a, from, to, 0f));
        return a;
    }

    /** Leaves every kept array to the collector: when nothing will ask for them soon, as after training. */
    public static synchronized void clear() {
        FREE.clear();
        held = 0;
    }

    /** Gives {@code a} back (nothing if null); the caller must not use it afterwards. */
    public static synchronized void give(float[] a) {
        if (a == null || held + a.length > MAX_FLOATS) return;
        ArrayDeque<float[]> free = FREE.computeIfAbsent(a.length, n -> new ArrayDeque<>());
        if (free.size() >= PER_LENGTH) return;
        for (float[] f : free) if (f == a) return; // given twice: keep it once
        free.push(a);
        held += a.length;
    }
}
