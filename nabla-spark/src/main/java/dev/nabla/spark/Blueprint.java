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
 * @param examples      examples in all partitions
 * @param batchSize     the global batch: each step takes batchSize / examples of every partition's examples
 * @param stepsPerEpoch global steps per epoch, ceil(examples / batchSize)
 * @param shuffle       whether each partition reorders its examples every epoch
 * @param seed          drives the per-partition orders and the replicas' dropout masks
 */
record Blueprint(byte[] modelFile, ExampleShape shape, long examples, int batchSize, int stepsPerEpoch, boolean shuffle, long seed) implements Serializable {

    /**
     * The order in which partition {@code partition} visits its {@code rows} examples in {@code epoch}; partition 0
     * draws the order {@link dev.nabla.train.Model#fit} would, so one partition trains exactly as one process does.
     */
    int[] order(int partition, int epoch, int rows) {
        if (shuffle) return EpochOrder.of(seed + partition * 0x2545F4914F6CDD1DL, epoch, rows);
        int[] identity = new int[rows];
        for (int i = 0; i < rows; i++) identity[i] = i;
        return identity;
    }

    /**
     * First position, in the epoch order, of step {@code step}'s share of a partition of {@code rows} examples:
     * {@code step * batchSize * rows / examples}, so that with one partition the shares are fit's batches.
     */
    int shareStart(int step, int rows) {
        if (step >= stepsPerEpoch) return rows;
        return (int) Math.min(rows, (long) ((double) step * batchSize * rows / examples));
    }

    /** The seed of a replica's random draws (dropout) for one step on one partition. */
    long stepSeed(int epoch, int step, int partition) {
        long h = seed;
        h = h * 0x9E3779B97F4A7C15L + epoch;
        h = h * 0x9E3779B97F4A7C15L + step;
        return h * 0x9E3779B97F4A7C15L + partition;
    }
}
