package dev.nabla.spark;

import java.io.Serializable;
import java.util.Map;

/**
 * The driver's broadcast for one synchronous step or one averaging round: where in the epoch it is, and the
 * parameters (every weight of the model, flattened in layer order) that the replicas start from.
 *
 * @param epoch          the epoch
 * @param firstStep      the first step of the epoch this order covers
 * @param steps          how many steps (1 for a synchronous step; up to K for an averaging round)
 * @param weights        every weight, flattened, in {@link dev.nabla.nn.Layer#weights()} order
 * @param optimizerIterations the optimizer's step count to resume from (parameter averaging only)
 * @param optimizerState the optimizer state by weight name to resume from (parameter averaging only; empty otherwise)
 */
record StepOrder(int epoch, int firstStep, int steps, float[] weights, long optimizerIterations, Map<String, float[]> optimizerState)
        implements Serializable {
}
