package dev.nabla.spark;

import dev.nabla.data.Dataset;
import dev.nabla.nn.Weight;
import dev.nabla.tensor.Tensor;
import dev.nabla.train.EpochLoop;
import dev.nabla.train.FitOptions;
import dev.nabla.train.History;
import dev.nabla.train.Model;
import dev.nabla.train.ModelFile;
import dev.nabla.train.SavedModel;
import dev.nabla.train.TrainContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Trains a compiled model on an RDD of examples: the same model, loss and optimizer as {@link Model#fit}, with Spark
 * moving the data and the work. Two strategies:
 * <ul>
 *   <li>{@link #synchronous}: every step the driver broadcasts the parameters; each partition computes the gradient
 *       and loss sums of its share of the global batch; the driver adds them in partition order, divides by the
 *       batch size and applies the optimizer. Mathematically the single-process step (up to float rounding), so it
 *       converges as local training does; it moves the parameters and the gradients every step.</li>
 *   <li>{@link #parameterAveraging}: each partition runs K local steps with its own optimizer from the broadcast
 *       parameters and optimizer state; the driver averages parameters and optimizer state, weighted by examples.
 *       K times fewer round trips, for when per-step communication dominates, at some cost in convergence.</li>
 * </ul>
 * An epoch visits every example once: each partition cuts its (per-epoch shuffled) examples into as many shares as
 * the epoch has steps, so a step's global batch is about {@code batchSize} examples drawn from all partitions.
 * Results are deterministic for a given seed and partitioning; failed tasks are retried by Spark with the same
 * inputs, so a retry changes nothing.
 *
 * <pre>{@code
 * JavaSparkContext sc = new JavaSparkContext(new SparkConf().setAppName("train"));
 * JavaRDD<Example> data = sc.textFile("hdfs:///data/train.csv").map(line -> {   // label, then 784 pixels
 *     String[] cells = line.split(",");
 *     float[] pixels = new float[784];
 *     for (int i = 0; i < 784; i++) pixels[i] = Float.parseFloat(cells[i + 1]);
 *     return new Example(pixels, new float[] {Float.parseFloat(cells[0])});
 * });
 * History h = SparkTrainer.synchronous(sc).fit(model, data, new ExampleShape(new int[] {784}, new int[0]),
 *         FitOptions.epochs(10).batchSize(128).seed(42));
 * }</pre>
 *
 * Training metrics are not computed on the cluster (their state does not merge); the epoch logs hold the loss, and
 * validation data given in the options is evaluated on the driver with the model's metrics.
 */
public final class SparkTrainer {

    /** How the workers' results are combined. */
    public enum Strategy { SYNCHRONOUS, PARAMETER_AVERAGING }

    private final JavaSparkContext sc;
    private final Strategy strategy;
    private final int localSteps;
    private int partitions;
    private TransferStats lastStats;

    private SparkTrainer(JavaSparkContext sc, Strategy strategy, int localSteps) {
        if (sc == null) throw new IllegalArgumentException("SparkTrainer: the Spark context is null");
        if (localSteps < 1) throw new IllegalArgumentException("SparkTrainer: local steps per averaging round must be at least 1, got " + localSteps);
        this.sc = sc;
        this.strategy = strategy;
        this.localSteps = localSteps;
        this.partitions = sc.defaultParallelism();
    }

    /** Synchronous gradient averaging: one broadcast and one collect per step. */
    public static SparkTrainer synchronous(JavaSparkContext sc) {
        return new SparkTrainer(sc, Strategy.SYNCHRONOUS, 1);
    }

    /** Parameter (and optimizer state) averaging every {@code localSteps} local steps. */
    public static SparkTrainer parameterAveraging(JavaSparkContext sc, int localSteps) {
        return new SparkTrainer(sc, Strategy.PARAMETER_AVERAGING, localSteps);
    }

    /** Partitions used when training on a local {@link Dataset} (default: the context's default parallelism). */
    public SparkTrainer partitions(int partitions) {
        if (partitions < 1) throw new IllegalArgumentException("SparkTrainer.partitions: must be at least 1, got " + partitions);
        this.partitions = partitions;
        return this;
    }

    public Strategy strategy() {
        return strategy;
    }

    /** Timing and bytes moved by the last fit, or null before the first. */
    public TransferStats lastStats() {
        return lastStats;
    }

    /**
     * Trains on a local dataset, split into {@link #partitions(int)} contiguous partitions; the data is broadcast once
     * and each partition cuts its range from it.
     */
    public History fit(Model model, Dataset data, FitOptions options) {
        requireOneInputOneOutput(model, "SparkTrainer.fit");
        Broadcast<LocalRows> rows = sc.broadcast(LocalRows.of(data));
        try {
            List<Integer> ids = new ArrayList<>();
            for (int p = 0; p < partitions; p++) ids.add(p);
            JavaRDD<Example> examples = sc.parallelize(ids, partitions).flatMap(new LocalRows.Slice(rows, partitions));
            return fit(model, examples, ExampleShape.of(data), options);
        } finally {
            rows.destroy();
        }
    }

    /**
     * Trains for {@code options.epochs()} epochs with the options' batch size (the global batch), seed, shuffling,
     * callbacks and validation data; a validation split is refused (split the RDD instead).
     */
    public History fit(Model model, JavaRDD<Example> examples, ExampleShape shape, FitOptions options) {
        model.requireCompiled("SparkTrainer.fit");
        requireOneInputOneOutput(model, "SparkTrainer.fit");
        if (options.validationSplit() > 0) {
            throw new IllegalArgumentException("SparkTrainer.fit: a validation split is not supported on an RDD; "
                    + "split it (randomSplit) and pass FitOptions.validationData, or evaluate afterwards");
        }
        if (options.sampleWeights() != null) throw new IllegalArgumentException("SparkTrainer.fit: sample weights are not supported on an RDD (they would be ignored)");
        if (!model.isBuilt()) model.buildFor(ExampleShape.batchShape(1, shape.features()));
        try (Run run = new Run(model, examples, shape, options.batchSize(), options.shuffle(), options.seed())) {
            History history = run.epochs(options);
            lastStats = run.stats();
            return history;
        }
    }

    /**
     * The mean gradient of the loss over all examples, computed as one synchronous step does (in trainable-parameter
     * order, flattened), and the mean loss; the model is left unchanged. For checking a cluster against one process.
     */
    public Gradient gradient(Model model, JavaRDD<Example> examples, ExampleShape shape) {
        model.requireCompiled("SparkTrainer.gradient");
        requireOneInputOneOutput(model, "SparkTrainer.gradient");
        if (!model.isBuilt()) model.buildFor(ExampleShape.batchShape(1, shape.features()));
        try (Run run = new Run(model, examples, shape, FitOptions.FULL_BATCH, false, 0)) {
            return run.gradient(0, 0);
        }
    }

    /** The replicas train on one features tensor and one targets tensor with the model's one loss. */
    private static void requireOneInputOneOutput(Model model, String what) {
        if (model.inputNames().size() != 1 || model.outputNames().size() != 1) {
            throw new IllegalArgumentException(what + ": model " + model.name() + " has " + count(model.inputNames(), "input") + " and "
                    + count(model.outputNames(), "output") + "; Spark training supports one input and one output with one loss;"
                    + " train it in one process with Model.fit(Map, Map, options)");
        }
        double weight = model.lossWeights().getOrDefault(model.outputNames().get(0), 1.0); // none before compile
        if (weight != 1) {
            throw new IllegalArgumentException(what + ": model " + model.name() + " was compiled with loss weight " + weight
                    + "; Spark training takes the loss unweighted (compile without a weight, or scale the learning rate)");
        }
    }

    /** "2 inputs (a, b)" */
    private static String count(List<String> names, String what) {
        return names.size() + " " + what + (names.size() == 1 ? "" : "s") + " (" + String.join(", ", names) + ")";
    }

    /** A mean gradient (flattened over the trainable parameters), the mean loss and the example count. */
    public record Gradient(float[] values, double loss, long examples) {
    }

    /** One fit's cluster-side state: the cached example blocks and the broadcasts, released on close. */
    private final class Run implements AutoCloseable {
        private final Model model;
        private final Broadcast<ExampleShape> shape;
        private final JavaRDD<ExampleBlock> blocks;
        private final Broadcast<Blueprint> blueprint;
        private final long examples;
        private final int batchSize;
        private final int stepsPerEpoch;
        private Broadcast<StepOrder> previousOrder;
        private long rounds;
        private long broadcastBytes;
        private long collectedBytes;
        private long nanos;

        Run(Model model, JavaRDD<Example> data, ExampleShape shape, int batchSize, boolean shuffle, long seed) {
            this.model = model;
            // Count the examples first: the global batch fixes the steps per epoch, which the blueprint carries.
            // The packing stays in the cached blocks' lineage (a lost block is rebuilt), so its broadcast lives as long.
            this.shape = sc.broadcast(shape);
            JavaRDD<ExampleBlock> packed = data.mapPartitionsWithIndex(new PartitionWork.Pack(this.shape), true)
                    .persist(StorageLevel.MEMORY_AND_DISK());
            long n;
            try {
                n = packed.map(ExampleBlock::rows).reduce(Integer::sum);
                if (n == 0) throw new IllegalArgumentException("SparkTrainer: the RDD holds no examples");
            } catch (RuntimeException e) {
                packed.unpersist(false);
                this.shape.destroy();
                throw e;
            }
            this.blocks = packed;
            this.examples = n;
            this.batchSize = batchSize == FitOptions.FULL_BATCH ? (int) Math.min(n, Integer.MAX_VALUE) : (int) Math.min(batchSize, n);
            this.stepsPerEpoch = (int) ((n + this.batchSize - 1) / this.batchSize);
            byte[] modelFile = ModelFile.toBytes(new SavedModel(model, Map.of(), null, Map.of()));
            this.blueprint = sc.broadcast(new Blueprint(modelFile, shape, n, this.batchSize, stepsPerEpoch, shuffle, seed));
        }

        /** The shared epoch loop, with the cluster's steps as each epoch's training. */
        History epochs(FitOptions options) {
            TrainContext context = new TrainContext(model, options.epochs(), options.initialEpoch(), stepsPerEpoch,
                    (int) Math.min(examples, Integer.MAX_VALUE), batchSize);
            return EpochLoop.run(context, options, this::trainEpoch, options.validationX() == null ? null
                    : () -> model.evaluate(options.validationX(), options.validationY()));
        }

        /** One epoch of synchronous steps or averaging rounds; the logs hold the loss (metrics do not merge). */
        private Map<String, Double> trainEpoch(int epoch, EpochLoop.Steps steps) {
            double lossSum = 0;
            long seen = 0;
            int stride = strategy == Strategy.SYNCHRONOUS ? 1 : localSteps;
            for (int step = 0; step < stepsPerEpoch; step += stride) {
                int count = Math.min(stride, stepsPerEpoch - step);
                double[] loss = strategy == Strategy.SYNCHRONOUS ? synchronousStep(epoch, step) : averagingRound(epoch, step, count);
                lossSum += loss[0];
                seen += (long) loss[1];
                steps.stepEnded(step + count - 1, loss[0] / loss[1]);
            }
            return Map.of("loss", lossSum / seen);
        }

        /** Computes the step's mean gradient on the cluster, applies the optimizer; returns {loss sum, examples}. */
        private double[] synchronousStep(int epoch, int step) {
            Gradient g = gradient(epoch, step);
            List<Tensor> grads = new ArrayList<>();
            for (Tensor p : model.trainableParameters()) {
                if (p.grad() == null) p.setGrad(Tensor.zeros(p.shape()));
                grads.add(p.grad());
            }
            WeightVectors.load(grads, g.values());
            model.optimizer().step();
            return new double[] {g.loss() * g.examples(), g.examples()};
        }

        Gradient gradient(int epoch, int step) {
            List<Weight> weights = model.weights();
            long start = System.nanoTime();
            Broadcast<StepOrder> order = broadcast(new StepOrder(epoch, step, 1,
                    WeightVectors.flatten(PartitionWork.values(weights)), 0, Map.of()));
            List<PartitionResult> results = collect(blocks.mapPartitionsWithIndex(new PartitionWork.GradientShare(blueprint, order), true));
            double[] gradientSum = new double[WeightVectors.length(model.trainableParameters())];
            List<Tensor> state = PartitionWork.nonTrainable(weights);
            double[] stateSum = new double[WeightVectors.length(state)];
            long n = 0;
            double lossSum = 0;
            for (PartitionResult r : results) {
                WeightVectors.add(gradientSum, r.vector());
                WeightVectors.add(stateSum, r.state());
                n += r.examples();
                lossSum += r.lossSum();
            }
            // Non-trainable weights (batch-norm running statistics) become the example-weighted mean of the replicas'.
            if (stateSum.length > 0) WeightVectors.load(state, WeightVectors.divide(stateSum, n));
            nanos += System.nanoTime() - start;
            return new Gradient(WeightVectors.divide(gradientSum, n), lossSum / n, n);
        }

        /** One averaging round from the current parameters and optimizer state; returns {loss sum, examples}. */
        private double[] averagingRound(int epoch, int step, int steps) {
            long start = System.nanoTime();
            List<Tensor> all = PartitionWork.values(model.weights());
            Map<String, Tensor> named = Weight.byName(model.weights());
            Map<String, Tensor> optimizerState = model.optimizer().state(named);
            Map<String, float[]> stateArrays = new LinkedHashMap<>();
            for (Map.Entry<String, Tensor> e : optimizerState.entrySet()) stateArrays.put(e.getKey(), e.getValue().data());
            Broadcast<StepOrder> order = broadcast(new StepOrder(epoch, step, steps, WeightVectors.flatten(all),
                    model.optimizer().iterations(), stateArrays));
            List<PartitionResult> results = collect(blocks.mapPartitionsWithIndex(new PartitionWork.LocalRound(blueprint, order), true));
            double[] weightSum = new double[WeightVectors.length(all)];
            Map<String, double[]> slotSums = new LinkedHashMap<>();
            long n = 0;
            double lossSum = 0;
            for (PartitionResult r : results) {
                if (r.examples() == 0) continue;
                WeightVectors.add(weightSum, r.vector());
                for (Map.Entry<String, float[]> e : r.optimizerState().entrySet()) {
                    WeightVectors.add(slotSums.computeIfAbsent(e.getKey(), k -> new double[e.getValue().length]), e.getValue());
                }
                n += r.examples();
                lossSum += r.lossSum();
            }
            WeightVectors.load(all, WeightVectors.divide(weightSum, n));
            Map<String, Tensor> averaged = new LinkedHashMap<>();
            for (Map.Entry<String, double[]> e : slotSums.entrySet()) {
                float[] mean = WeightVectors.divide(e.getValue(), n);
                averaged.put(e.getKey(), Tensor.of(mean, mean.length));
            }
            model.optimizer().setIterations(model.optimizer().iterations() + steps);
            model.optimizer().loadState(averaged, named);
            nanos += System.nanoTime() - start;
            return new double[] {lossSum, n};
        }

        /** Broadcasts one step's order, unpersisting the previous step's from the executors. */
        private Broadcast<StepOrder> broadcast(StepOrder order) {
            if (previousOrder != null) previousOrder.unpersist(false);
            previousOrder = sc.broadcast(order);
            long floats = order.weights().length;
            for (float[] s : order.optimizerState().values()) floats += s.length;
            broadcastBytes += 4 * floats;
            return previousOrder;
        }

        /** Collects the partitions' results sorted by partition, so that sums are taken in one fixed order. */
        private List<PartitionResult> collect(JavaRDD<PartitionResult> work) {
            List<PartitionResult> results = new ArrayList<>(work.collect());
            results.sort(Comparator.comparingInt(PartitionResult::partition));
            for (PartitionResult r : results) collectedBytes += r.payloadBytes();
            rounds++;
            return results;
        }

        TransferStats stats() {
            return new TransferStats(strategy, blocks.getNumPartitions(), rounds, strategy == Strategy.SYNCHRONOUS ? 1 : localSteps,
                    rounds == 0 ? 0 : nanos / 1e9 / rounds, rounds == 0 ? 0 : broadcastBytes / rounds, rounds == 0 ? 0 : collectedBytes / rounds);
        }

        @Override
        public void close() {
            if (previousOrder != null) previousOrder.destroy();
            blueprint.destroy();
            blocks.unpersist(false);
            shape.destroy();
        }
    }

    static Map<String, Tensor> tensors(Map<String, float[]> arrays) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, float[]> e : arrays.entrySet()) {
            float[] v = e.getValue();
            out.put(e.getKey(), Tensor.of(v.clone(), v.length));
        }
        return out;
    }
}
