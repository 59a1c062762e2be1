package dev.nabla.cli;

import dev.nabla.data.Dataset;
import dev.nabla.data.Datasets;
import dev.nabla.data.IdxReader;
import dev.nabla.examples.FashionLstm;
import dev.nabla.examples.FashionMnist;
import dev.nabla.examples.FashionVit;
import dev.nabla.examples.IrisClassifier;
import dev.nabla.examples.Spiral;
import dev.nabla.examples.Xor;
import dev.nabla.kernels.Gemms;
import dev.nabla.kernels.Parallel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleSupplier;

/**
 * Runs the benchmark workloads of {@code shared/bench/WORKLOADS.md} in this process and prints one line per workload,
 * e.g. {@code W2 loop_s=0.021 job_s=0.41 loss=0.163 acc=1.000 rss_mb=120}: loop seconds (W1-W3: median of timed runs
 * after a warm-up run; W4-W7: median epoch after the first), job seconds since the JVM started, final loss, test
 * accuracy and peak RSS.
 */
@Command(name = "bench", description = {"Run benchmark workloads W1-W7 (see WORKLOADS.md) and print their timings.",
        "Example: nabla bench W4"})
final class BenchCommand implements Runnable {

    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "WORKLOAD", arity = "1..*", description = "W1 (xor), W2 (iris), W3 (spiral), W4 (Fashion-MNIST MLP), W5 (CNN), W6 (LSTM), W7 (vision Transformer), or all (W1-W7).")
    List<String> workloads;

    @Option(names = "--runs", description = "Timed runs of W1-W3 after the warm-up (default: 5); 0 runs each once, cold, as a job_s measurement.")
    int runs = 5;

    @Option(names = "--epochs", description = "Override the epochs of W4-W7 (default: 5 for W4, 2 for W5-W7, as defined); at least 2.")
    Integer epochs;

    @Option(names = "--spark-master", description = "With W4: also train it through Spark on this master (e.g. local[2]) and compare.")
    String sparkMaster;

    @Option(names = "--spark-local-steps", description = "Local steps per parameter-averaging round with --spark-master (default: 8).")
    int sparkLocalSteps = 8;

    @Option(names = "--spark-partitions", description = "Partitions of the training data with --spark-master (default: the cluster's parallelism).")
    Integer sparkPartitions;

    /** One row of the table. */
    private record Row(String id, double loopSeconds, double finalLoss, double testAccuracy) {}

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        List<String> ids = new ArrayList<>();
        for (String w : workloads) {
            if (w.equalsIgnoreCase("all")) ids.addAll(List.of("W1", "W2", "W3", "W4", "W5", "W6", "W7"));
            else ids.add(w.toUpperCase(Locale.ROOT));
        }
        if (runs < 0) throw new IllegalArgumentException("--runs: must be 0 (one cold run) or more, got " + runs);
        if (epochs != null && epochs < 2) throw new IllegalArgumentException("--epochs: W4-W7 need at least 2 epochs (the first is warm-up), got " + epochs);
        out.printf("# Nabla %s, Java %s, GEMM kernel %s, %d threads%n", dev.nabla.train.ModelFile.VERSION, System.getProperty("java.version"),
                Gemms.get().name(), Parallel.threads());
        out.flush();
        if (sparkMaster != null) {
            if (!ids.equals(List.of("W4"))) throw new IllegalArgumentException("--spark-master: only W4 runs on Spark");
            SparkBench.run(sparkMaster, epochs != null ? epochs : 3, sparkLocalSteps, sparkPartitions, out);
            return;
        }
        for (String id : ids) {
            Row r = runOne(id);
            double job = (System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime()) / 1000.0;
            out.printf(Locale.ROOT, "%s loop_s=%.4f job_s=%.2f loss=%.4f acc=%s rss_mb=%s%n", r.id(), r.loopSeconds(), job, r.finalLoss(),
                    Double.isNaN(r.testAccuracy()) ? "-" : String.format(Locale.ROOT, "%.4f", r.testAccuracy()), peakRssMb());
            out.flush();
        }
    }

    private Row runOne(String id) {
        switch (id) {
            case "W1": {
                double[] loss = new double[1];
                double t = medianOfRuns(() -> {
                    Xor.Result r = Xor.run(1, 2500);
                    loss[0] = r.costs()[r.costs().length - 1];
                    return 0;
                });
                return new Row("W1", t, loss[0], Double.NaN);
            }
            case "W2": {
                Dataset train = Datasets.irisTrain(), test = Datasets.irisTest();
                IrisClassifier.Result[] last = new IrisClassifier.Result[1];
                double t = medianOfRuns(() -> {
                    last[0] = IrisClassifier.withFit(42, train, test);
                    return 0;
                });
                return new Row("W2", t, last[0].finalLoss(), last[0].testAccuracy());
            }
            case "W3": {
                Dataset spiral = Datasets.spiralNnfs();
                Spiral.Result[] last = new Spiral.Result[1];
                double t = medianOfRuns(() -> {
                    last[0] = Spiral.run(3, 2000, spiral);
                    return 0;
                });
                return new Row("W3", t, last[0].lastLoss(), Double.NaN);
            }
            case "W4":
            case "W5": {
                boolean cnn = id.equals("W5");
                Dataset[] d = IdxReader.fashionMnist(IdxReader.FASHION_MNIST_DIR, cnn);
                int e = epochs != null ? epochs : cnn ? 2 : 5;
                FashionMnist.Result r = FashionMnist.train(cnn ? FashionMnist.cnn() : FashionMnist.mlp(), d, e, 1, false);
                return new Row(cnn ? "W5" : "W4", r.warmEpochSeconds(), r.history().last("loss"), r.testAccuracy());
            }
            case "W6": {
                FashionMnist.Result r = FashionLstm.train(IdxReader.fashionMnist(IdxReader.FASHION_MNIST_DIR, false), epochs != null ? epochs : 2, 1, false);
                return new Row("W6", r.warmEpochSeconds(), r.history().last("loss"), r.testAccuracy());
            }
            case "W7": {
                FashionMnist.Result r = FashionVit.train(IdxReader.fashionMnist(IdxReader.FASHION_MNIST_DIR, false), epochs != null ? epochs : 2, 1, false);
                return new Row("W7", r.warmEpochSeconds(), r.history().last("loss"), r.testAccuracy());
            }
            default:
                throw new IllegalArgumentException("unknown workload '" + id + "'; known: W1, W2, W3, W4, W5, W6, W7, all");
        }
    }

    /** One untimed warm-up run, then the median wall time of {@link #runs} runs; with 0 runs, one cold run's time. */
    private double medianOfRuns(DoubleSupplier job) {
        if (runs == 0) return seconds(job);
        job.getAsDouble();
        double[] t = new double[runs];
        for (int i = 0; i < runs; i++) t[i] = seconds(job);
        return median(t);
    }

    private static double seconds(DoubleSupplier job) {
        long start = System.nanoTime();
        job.getAsDouble();
        return (System.nanoTime() - start) / 1e9;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    /** VmHWM from /proc (Linux), in MB; "-" elsewhere. */
    private static String peakRssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    long kb = Long.parseLong(line.replaceAll("\\D", ""));
                    return String.valueOf(kb / 1024);
                }
            }
        } catch (IOException | RuntimeException e) {
            return "-";
        }
        return "-";
    }
}
