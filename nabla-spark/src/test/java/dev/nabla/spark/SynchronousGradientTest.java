package dev.nabla.spark;

import dev.nabla.data.Dataset;
import dev.nabla.data.Datasets;
import dev.nabla.nn.Activation;
import dev.nabla.nn.BatchNormalization;
import dev.nabla.nn.Dense;
import dev.nabla.nn.losses.Losses;
import dev.nabla.optim.Optimizers;
import dev.nabla.tensor.Tensor;
import dev.nabla.train.FitOptions;
import dev.nabla.train.Model;
import dev.nabla.train.ModelFile;
import dev.nabla.train.SavedModel;
import dev.nabla.train.Sequential;
import org.apache.spark.api.java.JavaRDD;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class SynchronousGradientTest {

    private static Sequential irisModel(long seed) {
        Sequential model = Sequential.of(Dense.of(16, Activation.TANH), Dense.of(3));
        model.seed(seed);
        model.compile(Optimizers.sgd(0.1f), Losses.sparseCategoricalCrossentropy(true));
        model.buildFor(1, 4);
        return model;
    }

    /** The mean gradient over all of (x, y) in one process, flattened in trainable-parameter order. */
    private static float[] localGradient(Model model, Dataset data, double[] lossOut) {
        Tensor loss = model.loss().apply(data.y(), model.apply(data.x()));
        for (Tensor p : model.trainableParameters()) p.zeroGrad();
        loss.backward();
        lossOut[0] = loss.item();
        return WeightVectors.gradients(model.trainableParameters(), 1f);
    }

    @Test
    void oneSynchronousStepHasTheSingleProcessGradientAndIsIdenticalRunToRun() {
        Dataset iris = Datasets.iris();
        JavaRDD<Example> rdd = LocalSpark.context().parallelize(Example.of(iris), 3);
        ExampleShape shape = ExampleShape.of(iris);
        Sequential model = irisModel(7);
        SparkTrainer trainer = SparkTrainer.synchronous(LocalSpark.context());

        SparkTrainer.Gradient first = trainer.gradient(model, rdd, shape);
        SparkTrainer.Gradient second = trainer.gradient(model, rdd, shape);
        double[] localLoss = new double[1];
        float[] local = localGradient(model, iris, localLoss);

        assertThat(first.examples()).isEqualTo(150);
        assertThat(first.values()).hasSize(4 * 16 + 16 + 16 * 3 + 3);
        for (int i = 0; i < local.length; i++) assertThat(first.values()[i]).as("gradient %d", i).isCloseTo(local[i], within(2e-6f + 1e-5f * Math.abs(local[i])));
        assertThat(first.loss()).isCloseTo(localLoss[0], within(1e-5));
        assertThat(second.values()).as("same cluster gradient run to run, bit for bit").isEqualTo(first.values());
        assertThat(second.loss()).isEqualTo(first.loss());
    }

    @Test
    void aFullBatchEpochThroughSparkIsTheLocalOptimizerStep() {
        Dataset iris = Datasets.iris();
        Sequential onSpark = irisModel(11), local = irisModel(11);
        FitOptions options = FitOptions.epochs(3).batchSize(FitOptions.FULL_BATCH).shuffle(false);
        SparkTrainer.synchronous(LocalSpark.context()).partitions(2).fit(onSpark, iris, options);
        local.fit(iris.x(), iris.y(), options);
        assertWeightsClose(onSpark.getWeights(), local.getWeights(), 1e-5f);
    }

    @Test
    void onOnePartitionSynchronousTrainingIsLocalTrainingStepForStep() {
        // Shuffled mini-batches of 16 (the last one of 6) and Adam: the same batches, the same updates.
        Dataset iris = Datasets.iris();
        Sequential onSpark = irisModel(13), local = irisModel(13);
        onSpark.compile(Optimizers.adam(0.01f), onSpark.loss());
        local.compile(Optimizers.adam(0.01f), local.loss());
        FitOptions options = FitOptions.epochs(4).batchSize(16).seed(21);
        SparkTrainer.synchronous(LocalSpark.context()).partitions(1).fit(onSpark, iris, options);
        local.fit(iris.x(), iris.y(), options);
        assertWeightsClose(onSpark.getWeights(), local.getWeights(), 1e-5f);
    }

    @Test
    void batchNormalizationStatisticsAreTheExampleWeightedMeanOfTheReplicas() {
        // Partitions of 100 and 50 rows, one full-batch step: each replica updates the running statistics from its
        // own rows; the driver keeps (100 * replica 1 + 50 * replica 2) / 150, which differs from the plain mean.
        Dataset iris = Datasets.iris();
        Sequential model = Sequential.of(Dense.of(8), new BatchNormalization(), Dense.of(3));
        model.seed(3);
        model.compile(Optimizers.sgd(0.05f), Losses.sparseCategoricalCrossentropy(true));
        model.buildFor(1, 4);
        List<Example> rows = Example.of(iris);
        JavaRDD<Example> unequal = LocalSpark.context().parallelize(rows.subList(0, 100), 1)
                .union(LocalSpark.context().parallelize(rows.subList(100, 150), 1));
        float[][] first = replicaStatistics(model, iris.x().slice(0, 0, 100));
        float[][] second = replicaStatistics(model, iris.x().slice(0, 100, 150));

        SparkTrainer.synchronous(LocalSpark.context())
                .fit(model, unequal, ExampleShape.of(iris), FitOptions.epochs(1).batchSize(FitOptions.FULL_BATCH).shuffle(false));

        Tensor[] statistics = {model.getWeights().get(4), model.getWeights().get(5)}; // moving mean, moving variance
        double weightingMatters = 0;
        for (int s = 0; s < 2; s++) {
            float[] actual = statistics[s].data();
            for (int c = 0; c < actual.length; c++) {
                double weighted = (100.0 * first[s][c] + 50.0 * second[s][c]) / 150;
                double plain = (first[s][c] + second[s][c]) / 2;
                assertThat((double) actual[c]).as("statistic %d channel %d", s, c).isCloseTo(weighted, within(1e-6 + 1e-6 * Math.abs(weighted)));
                weightingMatters = Math.max(weightingMatters, Math.abs(weighted - plain));
            }
        }
        assertThat(weightingMatters).as("largest gap between the weighted and the plain mean").isGreaterThan(1e-3);
    }

    /** The moving mean and variance a copy of {@code model} holds after one training-mode forward pass over x. */
    private static float[][] replicaStatistics(Model model, Tensor x) {
        Model replica = ModelFile.fromBytes(ModelFile.toBytes(new SavedModel(model, Map.of(), null, Map.of())), "replica").model();
        replica.setTraining(true);
        replica.apply(x);
        return new float[][] {replica.getWeights().get(4).data().clone(), replica.getWeights().get(5).data().clone()};
    }

    static void assertWeightsClose(List<Tensor> actual, List<Tensor> expected, float tolerance) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int t = 0; t < actual.size(); t++) {
            float[] a = actual.get(t).data(), e = expected.get(t).data();
            assertThat(a).hasSameSizeAs(e);
            for (int i = 0; i < a.length; i++) assertThat(a[i]).as("weight %d[%d]", t, i).isCloseTo(e[i], within(tolerance + tolerance * Math.abs(e[i])));
        }
    }
}
