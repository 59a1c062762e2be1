package dev.nabla.spark;

import dev.nabla.data.EpochOrder;

import java.io.Serializable;

/**
 * What every task of one fit needs and what does not change between steps, broadcast once: the model file (the
 * architecture, loss and optimizer, from which each executor builds its replicas), the example shape, and the rules
 * that cut a partition's examples into the steps of an epoch.
 *
 * @param modelFile     the bytes of {@link dev.nabla.train.ModelFile}
 * @param shape         features and target shape of one example
 * @param stepsPerEpoch global steps per epoch; each partition contributes 1/stepsPerEpoch of its examples to each
 * @param shuffle       whether each partition reorders its examples every epoch
 * @param seed          drives the per-partition orders and the replicas' dropout masks
 */
record Blueprint(byte[] modelFile, ExampleShape shape, int stepsPerEpoch, boolean shuffle, long seed) implements Serializable {

    /** The order in which partition {@code partition} visits its {@code rows} examples in {@code epoch}. */
    int[] order(int partition, int epoch, int rows) {
        if (shuffle) return EpochOrder.of(seed * 0x2545F4914F6CDD1DL + partition, epoch, rows);
        int[] identity = new int[rows];
        for (int i = 0; i < rows; i++) identity[i] = i;
        return identity;
    }

    /** First position, in the epoch order, of step {@code step}'s share of a partition of {@code rows} examples. */
    int shareStart(int step, int rows) {
        return (int) ((long) step * rows / stepsPerEpoch);
    }

    /** The seed of a replica's random draws (dropout) for one step on one partition. */
    long stepSeed(int epoch, int step, int partition) {
        long h = seed;
        h = h * 0x9E3779B97F4A7C15L + epoch;
        h = h * 0x9E3779B97F4A7C15L + step;
        return h * 0x9E3779B97F4A7C15L + partition;
    }
}
