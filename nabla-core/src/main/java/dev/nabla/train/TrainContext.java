package dev.nabla.train;

/**
 * What callbacks may want to know about a {@link Model#fit} run.
 *
 * @param model          the model being trained
 * @param epochs         the epoch count fit runs to (exclusive end)
 * @param initialEpoch   the first epoch this run trains (greater than 0 when resuming)
 * @param stepsPerEpoch  optimizer steps per epoch
 * @param trainSamples   training samples (after any validation split)
 * @param batchSize      samples per step (the last step of an epoch may be smaller)
 */
public record TrainContext(Model model, int epochs, int initialEpoch, int stepsPerEpoch, int trainSamples, int batchSize) {
}
