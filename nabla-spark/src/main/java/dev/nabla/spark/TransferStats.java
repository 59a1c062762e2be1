package dev.nabla.spark;

/**
 * What one Spark fit cost per round (a round is one synchronous step, or one averaging round of K local steps).
 *
 * @param strategy            how results were combined
 * @param partitions          partitions of the example RDD
 * @param rounds              broadcast-and-collect round trips
 * @param stepsPerRound       optimizer steps per round trip (1, or K)
 * @param secondsPerRound     mean wall time of a round trip, broadcast to optimizer update
 * @param broadcastBytes      parameter (and optimizer state) bytes broadcast per round, once per executor
 * @param collectedBytes      result bytes collected per round, summed over partitions
 */
public record TransferStats(SparkTrainer.Strategy strategy, int partitions, long rounds, int stepsPerRound,
                            double secondsPerRound, long broadcastBytes, long collectedBytes) {

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "%s: %d partitions, %d rounds of %d step(s), %.4f s/round, %d B broadcast + %d B collected per round",
                strategy, partitions, rounds, stepsPerRound, secondsPerRound, broadcastBytes, collectedBytes);
    }
}
