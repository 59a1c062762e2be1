package dev.nabla.data;

import dev.nabla.tensor.Rng;

/**
 * The sample order of one training epoch: a permutation drawn from a generator seeded by (seed, epoch) alone, so a
 * run resumed at epoch k sees the same order as an uninterrupted one.
 */
public final class EpochOrder {

    private EpochOrder() {}

    public static int[] of(long seed, int epoch, int n) {
        return new Rng(seed * 0x9E3779B97F4A7C15L + epoch * 0xBF58476D1CE4E5B9L + 1).permutation(n);
    }
}
