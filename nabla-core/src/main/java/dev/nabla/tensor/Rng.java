package dev.nabla.tensor;

import java.util.SplittableRandom;

/**
 * An explicit, seeded random number generator. Nabla never uses a hidden global generator: whatever draws random
 * numbers (initialisers, shuffling, dropout) is handed one of these, so the same seed gives the same run.
 * Built on {@link SplittableRandom}, whose algorithm is specified, so sequences are the same on every JDK.
 */
public final class Rng {
    private final SplittableRandom random;
    private double spareGaussian;
    private boolean hasSpare;

    public Rng(long seed) {
        this.random = new SplittableRandom(seed);
    }

    private Rng(SplittableRandom random) {
        this.random = random;
    }

    /** An independent generator derived from this one (for example one per layer), deterministic in call order. */
    public Rng split() {
        return new Rng(random.split());
    }

    /** Uniform in [0, 1). */
    public double nextDouble() {
        return random.nextDouble();
    }

    /** Uniform in [0, 1) as float. */
    public float nextFloat() {
        return (float) random.nextDouble();
    }

    /** Uniform integer in [0, bound). */
    public int nextInt(int bound) {
        return random.nextInt(bound);
    }

    public long nextLong() {
        return random.nextLong();
    }

    /** Standard normal, by the polar Box-Muller method (specified here, so identical on every JDK). */
    public double nextGaussian() {
        if (hasSpare) {
            hasSpare = false;
            return spareGaussian;
        }
        double u, v, s;
        do {
            u = 2 * random.nextDouble() - 1;
            v = 2 * random.nextDouble() - 1;
            s = u * u + v * v;
        } while (s >= 1 || s == 0);
        double m = Math.sqrt(-2 * Math.log(s) / s);
        spareGaussian = v * m;
        hasSpare = true;
        return u * m;
    }

    /** Fisher-Yates permutation of 0..n-1. */
    public int[] permutation(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        shuffle(p);
        return p;
    }

    public void shuffle(int[] a) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
