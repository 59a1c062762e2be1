package dev.nabla.train;

import dev.nabla.nn.Activation;
import dev.nabla.nn.Dense;
import dev.nabla.nn.Layer;
import dev.nabla.nn.losses.Losses;
import dev.nabla.optim.LearningRateSchedule;
import dev.nabla.optim.Optimizer;
import dev.nabla.tensor.Rng;
import dev.nabla.tensor.Tensor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModelTest {

    /** Plain gradient descent, written here so these tests depend only on the Optimizer base class. */
    static final class GradientDescent extends Optimizer {
        GradientDescent(float lr) {
            super(new LearningRateSchedule() {
                @Override
                public float at(long step) {
                    return lr;
                }

                @Override
                public Map<String, Object> config() {
                    return Map.of("type", "constant", "lr", (double) lr);
                }
            });
        }

        @Override
        protected void update(Tensor p, float[] param, float[] grad, float lr) {
            for (int i = 0; i < param.length; i++) param[i] -= lr * grad[i];
        }
    }

    /** y = 2 x0 - x1 + 0.5 with a little noise. */
    private static Tensor[] linearData(int n, long seed) {
        Rng rng = new Rng(seed);
        float[] x = new float[n * 2], y = new float[n];
        for (int i = 0; i < n; i++) {
            x[2 * i] = (float) rng.nextGaussian();
            x[2 * i + 1] = (float) rng.nextGaussian();
            y[i] = 2 * x[2 * i] - x[2 * i + 1] + 0.5f + 0.01f * (float) rng.nextGaussian();
        }
        return new Tensor[] {Tensor.of(x, n, 2), Tensor.of(y, n, 1)};
    }

    private static Sequential regression(long seed) {
        Sequential m = Sequential.of(Dense.of(8, Activation.TANH), Dense.of(1));
        m.seed(seed);
        m.compile(new GradientDescent(0.05f), Losses.mse());
        return m;
    }

    @BeforeEach
    void freshNames() {
        Layer.resetNames();
    }

    @Test
    void fitLowersTheLossAndRecordsOneValuePerEpoch() {
        Tensor[] d = linearData(64, 1);
        Sequential m = regression(3);
        History h = m.fit(d[0], d[1], FitOptions.epochs(100).batchSize(16).seed(5));
        assertThat(h.epochs()).isEqualTo(100);
        assertThat(h.last("loss")).isLessThan(h.get("loss").get(0) / 10);
        assertThat(m.evaluate(d[0], d[1]).get("loss")).isLessThan(0.05);
    }

    /**
     * After a step, nothing of its graph is reachable from the model: it must not live on through the next step's
     * young collections (which would promote every step's activations to the old generation and grow the heap).
     */
    @Test
    void aTrainingStepsGraphIsGarbageOnceTheStepEnds() {
        List<java.lang.ref.WeakReference<Tensor>> outputs = new ArrayList<>();
        Layer probe = new Layer("probe") {
            @Override
            protected Tensor forward(Tensor x) {
                Tensor y = x.mul(1f); // a recorded op: its output is a node of the step's graph
                outputs.add(new java.lang.ref.WeakReference<>(y));
                return y;
            }
        };
        Sequential m = Sequential.of(Dense.of(8, Activation.TANH), probe, Dense.of(1));
        m.seed(1);
        m.compile(new GradientDescent(0.05f), Losses.mse(), dev.nabla.train.metrics.Metrics.mae());
        Tensor[] d = linearData(32, 4);
        List<Boolean> stillReachable = new ArrayList<>();
        m.fit(d[0], d[1], FitOptions.epochs(1).batchSize(8).callbacks(new Callback() {
            @Override
            public void onBatchEnd(int step, double loss) {
                System.gc();
                stillReachable.add(outputs.get(outputs.size() - 1).get() != null);
            }
        }));
        assertThat(stillReachable).hasSize(4).containsOnly(false);
    }

    @Test
    void stepsPerEpochFollowTheBatchSize() {
        Tensor[] d = linearData(10, 2);
        int[][] cases = {{FitOptions.FULL_BATCH, 1}, {4, 3}, {1, 10}, {100, 1}};
        for (int[] c : cases) {
            Sequential m = regression(1);
            List<Integer> steps = new ArrayList<>();
            m.fit(d[0], d[1], FitOptions.epochs(1).batchSize(c[0]).callbacks(new Callback() {
                @Override
                public void onBatchEnd(int step, double loss) {
                    steps.add(step);
                }
            }));
            assertThat(steps).as("batch size %d", c[0]).hasSize(c[1]);
            assertThat(m.optimizer().iterations()).isEqualTo(c[1]);
        }
    }

    @Test
    void sameSeedGivesBitIdenticalWeights() {
        Tensor[] d = linearData(50, 3);
        Sequential a = regression(11), b = regression(11);
        a.fit(d[0], d[1], FitOptions.epochs(5).batchSize(8).seed(9));
        b.fit(d[0], d[1], FitOptions.epochs(5).batchSize(8).seed(9));
        List<Tensor> wa = a.getWeights(), wb = b.getWeights();
        for (int i = 0; i < wa.size(); i++) assertThat(wa.get(i).data()).containsExactly(wb.get(i).data());
        Sequential c = regression(11);
        c.fit(d[0], d[1], FitOptions.epochs(5).batchSize(8).seed(10));
        assertThat(c.getWeights().get(0).data()).isNotEqualTo(wa.get(0).data());
    }

    @Test
    void resumingAtAnEpochMatchesAnUninterruptedRun() {
        Tensor[] d = linearData(40, 4);
        Sequential whole = regression(7);
        whole.fit(d[0], d[1], FitOptions.epochs(6).batchSize(8).seed(1));
        Sequential split = regression(7);
        split.fit(d[0], d[1], FitOptions.epochs(3).batchSize(8).seed(1));
        split.fit(d[0], d[1], FitOptions.epochs(6).initialEpoch(3).batchSize(8).seed(1));
        for (int i = 0; i < whole.getWeights().size(); i++) {
            assertThat(split.getWeights().get(i).data()).containsExactly(whole.getWeights().get(i).data());
        }
    }

    @Test
    void validationSplitHoldsOutTheLastSamples() {
        Tensor[] d = linearData(50, 5);
        Sequential m = regression(2);
        History h = m.fit(d[0], d[1], FitOptions.epochs(3).batchSize(10).validationSplit(0.2));
        assertThat(h.metrics()).containsKeys("loss", "val_loss");
        Tensor lastTen = d[0].slice(0, 40, 50), lastTenY = d[1].slice(0, 40, 50);
        assertThat(h.last("val_loss")).isCloseTo(m.evaluate(lastTen, lastTenY).get("loss"), org.assertj.core.data.Offset.offset(1e-6));
    }

    @Test
    void earlyStoppingStopsAndRestoresTheBestWeights() {
        Tensor[] d = linearData(30, 6);
        Sequential m = regression(4);
        // A learning rate so high that the loss climbs from the start: the first epoch stays the best.
        m.compile(new GradientDescent(3f), Losses.mse());
        EarlyStopping stop = new EarlyStopping("loss", 1, 0, true);
        List<List<Tensor>> afterEpoch = new ArrayList<>();
        History h = m.fit(d[0], d[1], FitOptions.epochs(50).batchSize(FitOptions.FULL_BATCH).nanGuard(false)
                .callbacks(stop, new Callback() {
                    @Override
                    public void onEpochEnd(int epoch, Map<String, Double> logs) {
                        afterEpoch.add(m.getWeights());
                    }
                }));
        assertThat(h.epochs()).isLessThan(50);
        assertThat(stop.stoppedEpoch()).isEqualTo(h.epochs() - 1);
        int best = stop.bestEpoch();
        assertThat(m.getWeights().get(0).data()).containsExactly(afterEpoch.get(best).get(0).data());
    }

    @Test
    void nanGuardNamesEpochStepAndAHint() {
        Tensor[] d = linearData(8, 7);
        d[1].data()[3] = Float.NaN;
        Sequential m = regression(1);
        assertThatThrownBy(() -> m.fit(d[0], d[1], FitOptions.epochs(2).batchSize(4).shuffle(false)))
                .isInstanceOf(TrainingDivergedException.class)
                .hasMessageContaining("epoch 1, step 1")
                .hasMessageContaining("learning rate");
    }

    /** Three well-separated blobs of 2-D points, 20 each, labels 0, 1, 2. */
    static Tensor[] blobs(long seed) {
        Rng rng = new Rng(seed);
        float[] x = new float[60 * 2], y = new float[60];
        for (int i = 0; i < 60; i++) {
            y[i] = i % 3;
            x[2 * i] = (float) (3 * Math.cos(2 * Math.PI * y[i] / 3) + 0.3 * rng.nextGaussian());
            x[2 * i + 1] = (float) (3 * Math.sin(2 * Math.PI * y[i] / 3) + 0.3 * rng.nextGaussian());
        }
        return new Tensor[] {Tensor.of(x, 60, 2), Tensor.of(y, 60)};
    }

    @Test
    void aHugeLearningRateOnASoftmaxModelStopsNamingEpochAndStep() {
        // The clipped cross-entropy stays finite (about 10), but after one step every output is saturated and no
        // gradient flows: the model is dead, not converged.
        Tensor[] d = blobs(2);
        Sequential m = Sequential.of(Dense.of(16, Activation.RELU), Dense.of(3, Activation.SOFTMAX));
        m.seed(1);
        m.compile(dev.nabla.optim.Optimizers.adam(1e6f), Losses.sparseCategoricalCrossentropy(false));
        TrainingDivergedException e = org.junit.jupiter.api.Assertions.assertThrows(TrainingDivergedException.class,
                () -> m.fit(d[0], d[1], FitOptions.epochs(50).batchSize(20).seed(3)));
        assertThat(e.epoch()).isZero();
        assertThat(e.step()).isEqualTo(1);
        assertThat(e).hasMessageContaining("epoch 1, step 2").hasMessageContaining("no gradient").hasMessageContaining("lower learning rate");
    }

    @Test
    void aNormalLearningRateOnTheSameModelTrainsWithoutComplaint() {
        Tensor[] d = blobs(2);
        Sequential m = Sequential.of(Dense.of(16, Activation.RELU), Dense.of(3, Activation.SOFTMAX));
        m.seed(1);
        m.compile(dev.nabla.optim.Optimizers.adam(0.05f), Losses.sparseCategoricalCrossentropy(false), dev.nabla.train.metrics.Metrics.accuracy());
        History h = m.fit(d[0], d[1], FitOptions.epochs(200).batchSize(20).seed(3));
        assertThat(h.last("accuracy")).isEqualTo(1.0);
        assertThat(h.last("loss")).isLessThan(1e-3);
    }

    @Test
    void weightsThatBecomeInfiniteStopTrainingEvenOnTheLastStep() {
        Tensor[] d = linearData(8, 7);
        Sequential m = regression(1);
        Callback blowUp = new Callback() {
            @Override
            public void onBatchEnd(int step, double loss) {
                m.weights().get(0).value().data()[0] = Float.POSITIVE_INFINITY;
            }
        };
        assertThatThrownBy(() -> m.fit(d[0], d[1], FitOptions.epochs(1).batchSize(8).callbacks(blowUp)))
                .isInstanceOf(TrainingDivergedException.class)
                .hasMessageContaining("epoch 1, step 1")
                .hasMessageContaining("dense/kernel");
    }

    @Test
    void csvLoggerWritesOneRowPerEpoch(@TempDir Path dir) throws Exception {
        Tensor[] d = linearData(20, 8);
        Path csv = dir.resolve("history.csv");
        regression(1).fit(d[0], d[1], FitOptions.epochs(3).batchSize(5).validationSplit(0.25).callbacks(new CsvLogger(csv)));
        List<String> lines = Files.readAllLines(csv);
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).isEqualTo("epoch,loss,val_loss");
        assertThat(lines.get(3)).startsWith("3,");
    }

    @Test
    void csvLoggerContinuingAResumedRunKeepsTheEarlierEpochsInEveryWrite(@TempDir Path dir) throws Exception {
        Tensor[] d = linearData(20, 8);
        Path csv = dir.resolve("history.csv");
        Sequential m = regression(1);
        History earlier = m.fit(d[0], d[1], FitOptions.epochs(2).batchSize(5));
        List<List<String>> written = new ArrayList<>();
        Callback reader = new Callback() {
            @Override
            public void onEpochEnd(int epoch, Map<String, Double> logs) {
                try {
                    written.add(Files.readAllLines(csv));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        };
        m.fit(d[0], d[1], FitOptions.epochs(4).initialEpoch(2).batchSize(5).callbacks(new CsvLogger(csv).continuing(earlier), reader));
        assertThat(written).hasSize(2);
        assertThat(written.get(0)).hasSize(4).startsWith("epoch,loss");
        assertThat(written.get(0).get(1)).isEqualTo("1," + earlier.get("loss").get(0));
        assertThat(written.get(1)).hasSize(5);
        assertThat(written.get(1).get(4)).startsWith("4,");
    }

    @Test
    void weightsRoundTripAndShapeErrorsNameTheWeight() {
        Sequential a = regression(1), b = regression(2);
        a.buildFor(1, 2);
        b.buildFor(1, 2);
        b.setWeights(a.getWeights());
        Tensor x = linearData(5, 9)[0];
        assertThat(b.predict(x).data()).containsExactly(a.predict(x).data());
        List<Tensor> wrong = new ArrayList<>(a.getWeights());
        wrong.set(0, Tensor.zeros(3, 8));
        assertThatThrownBy(() -> b.setWeights(wrong)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dense_2/kernel").hasMessageContaining("[2, 8]").hasMessageContaining("[3, 8]");
    }

    @Test
    void summaryListsLayersShapesAndParameterCounts() {
        Sequential m = Sequential.of(Dense.of(32, Activation.RELU), Dense.of(3, Activation.SOFTMAX));
        m.buildFor(1, 4);
        String s = m.summary();
        assertThat(s).contains("dense (Dense)", "[None, 32]", "160", "dense_1 (Dense)", "[None, 3]", "99",
                "Total params: 259", "Trainable params: 259", "Non-trainable params: 0");
        m.children().get(0).setTrainable(false);
        assertThat(m.summary()).contains("Trainable params: 99", "Non-trainable params: 160");
    }

    @Test
    void predictRecordsNoGraphAndBatchesAgree() {
        Sequential m = regression(3);
        Tensor x = linearData(23, 10)[0];
        Tensor whole = m.predict(x);
        assertThat(whole.requiresGrad()).isFalse();
        assertThat(whole.node()).isNull();
        assertThat(m.predict(x, 5).allClose(whole, 1e-6, 1e-6)).isTrue();
    }

    @Test
    void aSubclassedModelTrainsThroughItsOwnForward() {
        class TwoTower extends Model {
            private final Dense left = addChild(Dense.of(4, Activation.RELU));
            private final Dense right = addChild(Dense.of(4, Activation.TANH));
            private final Dense head = addChild(Dense.of(1));

            @Override
            protected Tensor forward(Tensor x) {
                return head.apply(Tensor.concat(1, left.apply(x), right.apply(x)));
            }
        }
        Tensor[] d = linearData(64, 11);
        TwoTower m = new TwoTower();
        m.seed(5);
        m.compile(new GradientDescent(0.05f), Losses.mse());
        History h = m.fit(d[0], d[1], FitOptions.epochs(30).batchSize(16));
        assertThat(h.last("loss")).isLessThan(h.get("loss").get(0) / 5);
        assertThat(m.trainableParameters()).hasSize(6);
    }

    @Test
    void mismatchedSampleCountsAreRejected() {
        Sequential m = regression(1);
        assertThatThrownBy(() -> m.fit(Tensor.zeros(4, 2), Tensor.zeros(5, 1), FitOptions.epochs(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[4, 2]").hasMessageContaining("[5, 1]");
        Sequential uncompiled = Sequential.of(Dense.of(1));
        assertThatThrownBy(() -> uncompiled.fit(Tensor.zeros(4, 2), Tensor.zeros(4, 1), FitOptions.epochs(1)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("compile");
    }
}
