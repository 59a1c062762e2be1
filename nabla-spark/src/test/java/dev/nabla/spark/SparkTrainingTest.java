package dev.nabla.spark;

import dev.nabla.data.Dataset;
import dev.nabla.data.Datasets;
import dev.nabla.data.IdxReader;
import dev.nabla.data.Scaler;
import dev.nabla.nn.Activation;
import dev.nabla.nn.Dense;
import dev.nabla.nn.losses.Losses;
import dev.nabla.optim.Optimizers;
import dev.nabla.train.FitOptions;
import dev.nabla.train.History;
import dev.nabla.train.Sequential;
import dev.nabla.train.metrics.Metrics;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class SparkTrainingTest {

    private static Sequential irisModel() {
        Sequential model = Sequential.of(Dense.of(16, Activation.RELU), Dense.of(3));
        model.seed(42);
        model.compile(Optimizers.adam(0.02f), Losses.sparseCategoricalCrossentropy(true), Metrics.accuracy());
        return model;
    }

    private static Dataset[] scaledIris() {
        Dataset train = Datasets.irisTrain(), test = Datasets.irisTest();
        Scaler scaler = Scaler.standard().fit(train.x());
        return new Dataset[] {train.withX(scaler.transform(train.x())), test.withX(scaler.transform(test.x()))};
    }

    private static double localIrisAccuracy(Dataset[] d, FitOptions options) {
        Sequential local = irisModel();
        local.fit(d[0].x(), d[0].y(), options);
        return local.evaluate(d[1].x(), d[1].y()).get("accuracy");
    }

    @Test
    void synchronousTrainingOnIrisReachesTheAccuracyOfLocalTraining() {
        Dataset[] d = scaledIris();
        FitOptions options = FitOptions.epochs(60).batchSize(16).seed(5);
        Sequential model = irisModel();
        SparkTrainer trainer = SparkTrainer.synchronous(LocalSpark.context()).partitions(2);
        History h = trainer.fit(model, d[0], FitOptions.epochs(60).batchSize(16).seed(5).validationData(d[1].x(), d[1].y()));

        double sparkAccuracy = model.evaluate(d[1].x(), d[1].y()).get("accuracy");
        assertThat(sparkAccuracy).isGreaterThanOrEqualTo(Math.min(0.93, localIrisAccuracy(d, options)));
        assertThat(h.last("loss")).isLessThan(h.get("loss").get(0) / 3);
        assertThat(h.last("val_accuracy")).isEqualTo(sparkAccuracy);
        TransferStats stats = trainer.lastStats();
        assertThat(stats.rounds()).isEqualTo(60L * 8); // 120 examples, batch 16: 8 steps per epoch
        assertThat(stats.broadcastBytes()).isEqualTo(4L * (4 * 16 + 16 + 16 * 3 + 3));
    }

    @Test
    void parameterAveragingOnIrisReachesTheAccuracyOfLocalTraining() {
        Dataset[] d = scaledIris();
        FitOptions options = FitOptions.epochs(60).batchSize(16).seed(5);
        Sequential model = irisModel();
        SparkTrainer trainer = SparkTrainer.parameterAveraging(LocalSpark.context(), 4).partitions(2);
        History h = trainer.fit(model, d[0], options);

        double sparkAccuracy = model.evaluate(d[1].x(), d[1].y()).get("accuracy");
        assertThat(sparkAccuracy).isGreaterThanOrEqualTo(Math.min(0.93, localIrisAccuracy(d, options)));
        assertThat(h.last("loss")).isLessThan(h.get("loss").get(0) / 3);
        assertThat(trainer.lastStats().rounds()).isEqualTo(60L * 2); // 8 steps per epoch, 4 per round
        assertThat(model.optimizer().iterations()).isEqualTo(60L * 8);
    }

    @Test
    void sparkTrainingRunsTheFitCallbacksThroughTheSharedEpochLoopAndStopsWhenOneAsks() {
        Dataset[] d = scaledIris();
        Sequential model = irisModel();
        java.util.List<String> seen = new java.util.ArrayList<>();
        dev.nabla.train.Callback stopAfterSecond = new dev.nabla.train.Callback() {
            @Override
            public void onBatchEnd(int step, double loss) {
                seen.add("step " + step);
            }

            @Override
            public void onEpochEnd(int epoch, java.util.Map<String, Double> logs) {
                seen.add("end " + epoch + " " + logs.keySet());
                if (epoch == 2) model.stopTraining();
            }
        };
        // Parameter averaging, 3 local steps a round: 8 steps per epoch end rounds at steps 2, 5 and 7.
        History h = SparkTrainer.parameterAveraging(LocalSpark.context(), 3).partitions(2).fit(model, d[0],
                FitOptions.epochs(6).initialEpoch(1).batchSize(16).seed(5).callbacks(stopAfterSecond).validationData(d[1].x(), d[1].y()));
        assertThat(seen).containsExactly("step 2", "step 5", "step 7", "end 1 [loss, val_loss, val_accuracy]",
                "step 2", "step 5", "step 7", "end 2 [loss, val_loss, val_accuracy]");
        assertThat(h.epochs()).isEqualTo(2);
        assertThat(model.isTraining()).isFalse();
    }

    @Test
    void aFashionMnistSubsetTrainedThroughSparkMatchesLocalTraining() {
        assumeTrue(Files.isDirectory(IdxReader.FASHION_MNIST_DIR), "Fashion-MNIST is not installed");
        Dataset[] all = IdxReader.fashionMnist(IdxReader.FASHION_MNIST_DIR, false);
        Dataset train = all[0].subset(range(0, 6000)), test = all[1].subset(range(0, 2000));
        FitOptions options = FitOptions.epochs(4).batchSize(64).seed(3);

        Sequential local = fashionModel();
        local.fit(train.x(), train.y(), options);
        double localAccuracy = local.evaluate(test.x(), test.y()).get("accuracy");
        Sequential onSpark = fashionModel();
        SparkTrainer.synchronous(LocalSpark.context()).partitions(2).fit(onSpark, train, options);
        double sparkAccuracy = onSpark.evaluate(test.x(), test.y()).get("accuracy");

        assertThat(localAccuracy).isGreaterThan(0.75);
        // Two partitions draw other batches than one process: the same accuracy up to that noise.
        assertThat(sparkAccuracy).isGreaterThanOrEqualTo(localAccuracy - 0.03);
    }

    private static Sequential fashionModel() {
        Sequential model = Sequential.of(Dense.of(64, Activation.RELU), Dense.of(10));
        model.seed(9);
        model.compile(Optimizers.adam(1e-3f), Losses.sparseCategoricalCrossentropy(true), Metrics.accuracy());
        return model;
    }

    /** Counts injected failures; the test JVM runs Spark's executors, so a static is seen by tasks and test alike. */
    private static final AtomicInteger injectedFailures = new AtomicInteger();

    /** Fails partition 1 on its first attempt, as a lost executor or a flaky read would. */
    private static Example failFirstAttemptOfPartitionOne(Example e) {
        TaskContext task = TaskContext.get();
        if (task.partitionId() == 1 && task.attemptNumber() == 0) {
            injectedFailures.incrementAndGet();
            throw new IllegalStateException("injected failure in partition 1, attempt 0");
        }
        return e;
    }

    @Test
    void aFailedTaskIsRetriedAndTrainingEndsWithTheSameResult() {
        Dataset[] d = scaledIris();
        FitOptions options = FitOptions.epochs(5).batchSize(32).seed(8);
        JavaRDD<Example> clean = LocalSpark.context().parallelize(Example.of(d[0]), 2);
        JavaRDD<Example> flaky = clean.map(SparkTrainingTest::failFirstAttemptOfPartitionOne);
        ExampleShape shape = ExampleShape.of(d[0]);

        Sequential expected = irisModel(), retried = irisModel();
        SparkTrainer.synchronous(LocalSpark.context()).fit(expected, clean, shape, options);
        injectedFailures.set(0);
        SparkTrainer.synchronous(LocalSpark.context()).fit(retried, flaky, shape, options);

        assertThat(injectedFailures.get()).as("the injected failure happened").isPositive();
        assertThat(retried.getWeights()).hasSameSizeAs(expected.getWeights());
        for (int i = 0; i < expected.getWeights().size(); i++) {
            assertThat(retried.getWeights().get(i).data()).as("weight %d", i).isEqualTo(expected.getWeights().get(i).data());
        }
    }

    @Test
    void badInputIsRefusedWithAClearMessage() {
        Dataset[] d = scaledIris();
        JavaRDD<Example> rdd = LocalSpark.context().parallelize(Example.of(d[0]), 2);
        SparkTrainer trainer = SparkTrainer.synchronous(LocalSpark.context());
        assertThatThrownBy(() -> trainer.fit(irisModel(), rdd, new ExampleShape(new int[] {5}, new int[0]), FitOptions.epochs(1)))
                .hasStackTraceContaining("example 0 has 4 features and 1 target values")
                .hasStackTraceContaining("needs 5 and 1");
        assertThatThrownBy(() -> trainer.fit(irisModel(), d[0], FitOptions.epochs(1).validationSplit(0.2)))
                .hasMessageContaining("validation split is not supported");
        assertThatThrownBy(() -> trainer.fit(irisModel(), d[0], FitOptions.epochs(1).sampleWeights(dev.nabla.tensor.Tensor.ones(d[0].size()))))
                .hasMessageContaining("sample weights are not supported on an RDD");
        Sequential uncompiled = Sequential.of(Dense.of(3));
        assertThatThrownBy(() -> trainer.fit(uncompiled, d[0], FitOptions.epochs(1)))
                .hasMessageContaining("SparkTrainer.fit: call compile");
        assertThatThrownBy(() -> SparkTrainer.parameterAveraging(LocalSpark.context(), 0))
                .hasMessageContaining("at least 1");
    }

    private static int[] range(int from, int to) {
        int[] r = new int[to - from];
        for (int i = 0; i < r.length; i++) r[i] = from + i;
        return r;
    }
}
