package dev.nabla.cli;

import dev.nabla.data.Dataset;
import dev.nabla.data.Datasets;
import dev.nabla.data.IdxReader;
import dev.nabla.examples.FashionMnist;
import dev.nabla.nn.Activation;
import dev.nabla.nn.Dense;
import dev.nabla.nn.losses.Losses;
import dev.nabla.optim.Optimizers;
import dev.nabla.spark.SparkTrainer;
import dev.nabla.spark.TransferStats;
import dev.nabla.train.FitOptions;
import dev.nabla.train.Sequential;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/**
 * {@code nabla bench W4 --spark-master URL}: the W4 MLP trained in this process and through Spark
 * synchronously and with parameter averaging, on the same data and seed; then the fixed cost of a Spark round trip. One line each: seconds per optimizer step (per round for
 * averaging; medians over the epochs after the first), bytes moved per round, final loss and test accuracy.
 */
final class SparkBench {

    private SparkBench() {}

    static void run(String master, int epochs, int localSteps, Integer partitions, PrintWriter out) {
        Dataset[] d = IdxReader.fashionMnist(IdxReader.FASHION_MNIST_DIR, false);
        int steps = (d[0].size() + 127) / 128;
        FashionMnist.Result local = FashionMnist.train(FashionMnist.mlp(), d, epochs, 1, false);
        print(out, "W4-local", local.warmEpochSeconds() / steps, "step", 0, local);

        SparkConf conf = new SparkConf().setAppName("nabla bench W4");
        if (!conf.contains("spark.master")) conf.setMaster(master);
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            sc.setLogLevel("WARN");
            for (SparkTrainer trainer : List.of(SparkTrainer.synchronous(sc), SparkTrainer.parameterAveraging(sc, localSteps))) {
                if (partitions != null) trainer.partitions(partitions);
                FashionMnist.Result r = FashionMnist.train(FashionMnist.mlp(), d, epochs, 1, false, trainer::fit);
                TransferStats stats = trainer.lastStats();
                long roundsPerEpoch = stats.rounds() / epochs;
                String id = trainer.strategy() == SparkTrainer.Strategy.SYNCHRONOUS ? "W4-spark-sync" : "W4-spark-avg" + localSteps;
                print(out, id, r.warmEpochSeconds() / roundsPerEpoch, trainer.strategy() == SparkTrainer.Strategy.SYNCHRONOUS ? "step" : "round",
                        stats.broadcastBytes() + stats.collectedBytes(), r);
                out.printf(Locale.ROOT, "#   %s, master %s%n", stats, sc.master());
                out.flush();
            }
            latency(sc, partitions, out);
        }
    }

    /**
     * The fixed cost of one synchronous round trip (job scheduling, task launch, broadcast fetch, collect), measured
     * with a model too small for compute or bandwidth to matter: Iris, 4-16-3, full batch; the second of two fits.
     */
    private static void latency(JavaSparkContext sc, Integer partitions, PrintWriter out) {
        Dataset iris = Datasets.iris();
        TransferStats stats = null;
        for (int run = 0; run < 2; run++) {
            Sequential model = Sequential.of(Dense.of(16, Activation.RELU), Dense.of(3));
            model.seed(1);
            model.compile(Optimizers.sgd(0.1), Losses.sparseCategoricalCrossentropy(true));
            SparkTrainer trainer = SparkTrainer.synchronous(sc);
            if (partitions != null) trainer.partitions(partitions);
            trainer.fit(model, iris, FitOptions.epochs(400).batchSize(FitOptions.FULL_BATCH).nanGuard(false));
            stats = trainer.lastStats();
        }
        out.printf(Locale.ROOT, "spark-round-trip round_s=%.4f bytes_per_round=%d (Iris 4-16-3, full batch: the fixed cost of a step)%n",
                stats.secondsPerRound(), stats.broadcastBytes() + stats.collectedBytes());
        out.flush();
    }

    private static void print(PrintWriter out, String id, double seconds, String unit, long bytes, FashionMnist.Result r) {
        out.printf(Locale.ROOT, "%s %s_s=%.4f epoch_s=%.2f bytes_per_%s=%d loss=%.4f acc=%.4f%n", id, unit, seconds, r.warmEpochSeconds(),
                unit, bytes, r.history().last("loss"), r.testAccuracy());
        out.flush();
    }
}
