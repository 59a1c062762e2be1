package dev.nabla.cli;

import dev.nabla.data.Dataset;
import dev.nabla.data.Split;
import dev.nabla.spark.SparkTrainer;
import dev.nabla.tensor.Tensor;
import dev.nabla.train.FitOptions;
import dev.nabla.train.History;
import dev.nabla.train.Model;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * {@code nabla train --spark-master URL}: the same fit, run through Spark. Only this class touches Spark, and it is
 * loaded only with that option: Spark is on the class path when the launcher or spark-submit puts it there.
 */
final class SparkFit {

    private SparkFit() {}

    /**
     * Trains as {@link Model#fit} would with these options, on a Spark master (spark-submit's {@code --master} wins
     * when the job was submitted with one). The validation part is held out here, as fit does: the last fraction.
     */
    static History fit(String master, String strategy, int localSteps, Integer partitions, Model model, Tensor x, Tensor y,
                       double validationSplit, FitOptions options, PrintWriter out) {
        SparkConf conf = new SparkConf().setAppName("nabla train");
        if (!conf.contains("spark.master")) conf.setMaster(master);
        Dataset train = new Dataset(x, y);
        if (validationSplit > 0) {
            Dataset[] parts = Split.holdOutLast(train, validationSplit, "--validation-split");
            train = parts[0];
            options.validationData(parts[1].x(), parts[1].y());
        }
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            sc.setLogLevel("WARN");
            SparkTrainer trainer = switch (strategy.toLowerCase(Locale.ROOT)) {
                case "sync", "synchronous" -> SparkTrainer.synchronous(sc);
                case "average", "averaging" -> SparkTrainer.parameterAveraging(sc, localSteps);
                default -> throw new IllegalArgumentException("--spark-strategy: expected sync or average, got '" + strategy + "'");
            };
            if (partitions != null) trainer.partitions(partitions);
            out.println("Spark: master " + sc.master() + ", " + trainer.strategy().name().toLowerCase(Locale.ROOT).replace('_', ' ')
                    + (trainer.strategy() == SparkTrainer.Strategy.PARAMETER_AVERAGING ? " every " + localSteps + " local steps" : ""));
            History history = trainer.fit(model, train, options);
            out.println("Spark: " + trainer.lastStats());
            return history;
        }
    }
}
