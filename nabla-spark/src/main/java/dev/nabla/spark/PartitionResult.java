package dev.nabla.spark;

import java.io.Serializable;
import java.util.Map;

/**
 * What one partition sends back for one step or round. Every vector is a sum over the partition's examples (a mean
 * times the example count), so the driver adds them in partition order and divides by the total once.
 *
 * @param partition      the partition index
 * @param examples       examples this partition used (0 when its share was empty)
 * @param lossSum        the sum of per-example losses, over all steps of the round
 * @param vector         synchronous: the trainable parameters' gradient sum; averaging: every weight times examples
 * @param state          synchronous: non-trainable weights (e.g. batch-norm statistics) times examples; averaging: unused
 * @param optimizerState averaging: each optimizer slot times examples; synchronous: empty
 */
record PartitionResult(int partition, long examples, double lossSum, float[] vector, float[] state,
                       Map<String, float[]> optimizerState) implements Serializable {

    /** Bytes of numbers this result carries (the payload Spark moves, without framing). */
    long payloadBytes() {
        long floats = vector.length + state.length;
        for (float[] s : optimizerState.values()) floats += s.length;
        return 4 * floats + 16;
    }
}
