package dev.nabla.train;

import dev.nabla.data.Batch;
import dev.nabla.data.BatchIterator;
import dev.nabla.data.BatchSource;
import dev.nabla.data.Batches;
import dev.nabla.nn.Activation;
import dev.nabla.nn.Concatenate;
import dev.nabla.nn.Dense;
import dev.nabla.nn.Layer;
import dev.nabla.nn.Input;
import dev.nabla.nn.Loss;
import dev.nabla.nn.SymbolicTensor;
import dev.nabla.nn.losses.Losses;
import dev.nabla.optim.Optimizers;
import dev.nabla.tensor.Rng;
import dev.nabla.tensor.Tensor;
import dev.nabla.train.metrics.Metric;
import dev.nabla.train.metrics.Metrics;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Models with several inputs and outputs in fit, evaluate and predict, their losses, metrics, history and files. */
class MultiOutputTest {

    private static final int N = 60;

    @BeforeEach
    void freshNames() {
        Layer.resetNames();
    }

    private static Tensor random(long seed, int... shape) {
        return Tensor.normal(new Rng(seed), 0, 1, shape);
    }

    /** Inputs a [4] and b [2]; outputs "main" (3 class probabilities) and "aux" (one regression value). */
    private static Functional twoInTwoOut(long seed) {
        SymbolicTensor a = Input.of("a", 4), b = Input.of("b", 2);
        SymbolicTensor h = Dense.of(8, Activation.TANH).call(new Concatenate().call(Dense.of(6, Activation.RELU).call(a), b));
        SymbolicTensor main = Dense.of(3, Activation.SOFTMAX).call(h);
        SymbolicTensor aux = Dense.of(1).call(h);
        return Model.of(List.of(a, b), Map.of("main", main, "aux", aux)).seed(seed);
    }

    /** Targets that follow from the inputs, so that training can learn them. */
    private static Map<String, Tensor> inputs() {
        return Map.of("a", random(1, N, 4), "b", random(2, N, 2));
    }

    private static Map<String, Tensor> targets(Map<String, Tensor> x) {
        float[] a = x.get("a").data(), b = x.get("b").data();
        float[] cls = new float[N], reg = new float[N];
        for (int i = 0; i < N; i++) {
            double s = a[4 * i] + b[2 * i];
            cls[i] = s < -0.5 ? 0 : s < 0.5 ? 1 : 2;
            reg[i] = (float) (a[4 * i + 1] - b[2 * i + 1]);
        }
        return Map.of("main", Tensor.of(cls, N), "aux", Tensor.of(reg, N, 1));
    }

    private static final Loss MAIN_LOSS = Losses.sparseCategoricalCrossentropy(false), AUX_LOSS = Losses.mse();

    private static Functional compiled(long seed, double auxWeight) {
        Functional m = twoInTwoOut(seed);
        m.compile(Optimizers.adam(0.01), Map.of("main", MAIN_LOSS, "aux", AUX_LOSS), Map.of("main", 1.0, "aux", auxWeight),
                Map.of("main", List.<Metric>of(Metrics.accuracy()), "aux", List.<Metric>of(Metrics.mae())));
        return m;
    }

    @Test
    void evaluateGivesEachOutputsLossAsComputedAloneAndTheirWeightedSumAsTheLoss() {
        Functional m = compiled(3, 0.25);
        Map<String, Tensor> x = inputs(), y = targets(x);
        Map<String, Tensor> p = m.apply(x);
        double main = MAIN_LOSS.apply(y.get("main"), p.get("main")).item(), aux = AUX_LOSS.apply(y.get("aux"), p.get("aux")).item();
        Map<String, Double> r = m.evaluate(x, y);
        assertThat(r.keySet()).containsExactly("loss", "aux_loss", "main_loss", "aux_mae", "main_accuracy");
        assertThat(r.get("main_loss")).isCloseTo(main, within(1e-6));
        assertThat(r.get("aux_loss")).isCloseTo(aux, within(1e-6));
        assertThat(r.get("loss")).isCloseTo(main + 0.25 * aux, within(1e-6));
        assertThat(r.get("aux_mae")).isCloseTo(Losses.mae().apply(y.get("aux"), p.get("aux")).item(), within(1e-6));
        // The list form takes the tensors in input and output order (outputs ordered by name: aux, main).
        Map<String, Double> byList = m.evaluate(List.of(x.get("a"), x.get("b")), List.of(y.get("aux"), y.get("main")));
        assertThat(byList).isEqualTo(r);
    }

    @Test
    void aTrainingStepsLossIsTheWeightedSumAndItsGradientsTheWeightedSumOfEachOutputsGradients() {
        Functional m = twoInTwoOut(4);
        m.compile(Optimizers.sgd(0.1), Map.of("main", MAIN_LOSS, "aux", AUX_LOSS), Map.of("main", 0.5, "aux", 3.0), Map.of());
        Map<String, Tensor> x = inputs(), y = targets(x);
        m.setTraining(true);
        Tensor main = MAIN_LOSS.apply(y.get("main"), m.apply(x).get("main")), aux = AUX_LOSS.apply(y.get("aux"), m.apply(x).get("aux"));
        m.optimizer().zeroGrad();
        main.backward();
        List<float[]> mainGrads = grads(m);
        m.optimizer().zeroGrad();
        aux.backward();
        List<float[]> auxGrads = grads(m);

        // The step computes its gradients before it moves the weights, and leaves them in place.
        float total = m.trainStep(List.of(x.get("a"), x.get("b")), List.of(y.get("aux"), y.get("main")));
        List<float[]> totalGrads = grads(m);
        assertThat((double) total).isCloseTo(0.5 * main.item() + 3.0 * aux.item(), within(1e-5));
        for (int k = 0; k < totalGrads.size(); k++) {
            for (int i = 0; i < totalGrads.get(k).length; i++) {
                assertThat(totalGrads.get(k)[i]).as("parameter %d element %d", k, i)
                        .isCloseTo(0.5f * mainGrads.get(k)[i] + 3.0f * auxGrads.get(k)[i], within(1e-5f));
            }
        }
    }

    private static List<float[]> grads(Model m) {
        List<float[]> g = new ArrayList<>();
        for (Tensor t : m.trainableParameters()) g.add(t.grad() == null ? new float[t.size()] : t.grad().data().clone());
        return g;
    }

    @Test
    void aTwoInputModelTrainsOnListsAndLogsAsAOneOutputModel() {
        SymbolicTensor a = Input.of("a", 4), b = Input.of("b", 2);
        SymbolicTensor y = Dense.of(3, Activation.SOFTMAX).call(new Concatenate().call(Dense.of(8, Activation.RELU).call(a), b));
        Functional m = Model.of(List.of(a, b), y).seed(2);
        m.compile(Optimizers.adam(0.02), Losses.sparseCategoricalCrossentropy(false), Metrics.accuracy());
        Map<String, Tensor> x = inputs();
        Tensor labels = targets(x).get("main");
        History h = m.fit(List.of(x.get("a"), x.get("b")), List.of(labels), FitOptions.epochs(40).batchSize(16).seed(1));
        assertThat(h.metrics().keySet()).containsExactly("loss", "accuracy");
        assertThat(h.last("loss")).isLessThan(h.get("loss").get(0) / 2);
        assertThat(h.last("accuracy")).isGreaterThan(0.8);
        List<Tensor> p = m.predict(List.of(x.get("a"), x.get("b")), 7); // batched predictions equal the whole at once
        m.setTraining(false);
        assertThat(p.get(0).data()).containsExactly(m.apply(List.of(x.get("a"), x.get("b"))).get(0).data(), within(1e-6f));
    }

    @Test
    void theHistoryNamesEachOutputsLossAndMetricsAsKerasDoes() {
        Functional m = compiled(5, 0.5);
        Map<String, Tensor> x = inputs();
        History h = m.fit(x, targets(x), FitOptions.epochs(3).batchSize(16).validationSplit(0.25).seed(2));
        assertThat(h.metrics().keySet()).containsExactly("loss", "aux_loss", "main_loss", "aux_mae", "main_accuracy",
                "val_loss", "val_aux_loss", "val_main_loss", "val_aux_mae", "val_main_accuracy");
        for (int e = 0; e < 3; e++) {
            assertThat(h.get("val_loss").get(e)).isCloseTo(h.get("val_main_loss").get(e) + 0.5 * h.get("val_aux_loss").get(e), within(1e-6));
        }
        assertThat(h.last("main_loss")).isLessThan(h.get("main_loss").get(0));
    }

    @Test
    void oneLossAndMetricGivenForEveryOutputApplyToEachWithItsOwnCounts() {
        SymbolicTensor a = Input.of("a", 4);
        SymbolicTensor h = Dense.of(8, Activation.RELU).call(a);
        Functional m = Model.of(List.of(a), Map.of("first", Dense.of(3, Activation.SOFTMAX).call(h), "second", Dense.of(3, Activation.SOFTMAX).call(h)));
        m.compile(Optimizers.adam(0.01), Losses.sparseCategoricalCrossentropy(false), Metrics.accuracy());
        Tensor xa = random(1, N, 4), good = targets(inputs()).get("main");
        float[] other = new float[N];
        Tensor zeros = Tensor.of(other, N);
        Map<String, Double> r = m.evaluate(Map.of("a", xa), Map.of("first", good, "second", zeros));
        assertThat(r.keySet()).containsExactly("loss", "first_loss", "second_loss", "first_accuracy", "second_accuracy");
        assertThat(r.get("loss")).isCloseTo(r.get("first_loss") + r.get("second_loss"), within(1e-6));
        assertThat(m.loss()).isNotNull();
        assertThat(m.lossWeights()).containsExactly(Map.entry("first", 1.0), Map.entry("second", 1.0));
    }

    @Test
    void aMapWithAMissingOrUnknownNameIsRefusedListingTheKnownNames() {
        Functional m = compiled(1, 1);
        Map<String, Tensor> x = inputs(), y = targets(x);
        FitOptions o = FitOptions.epochs(1);
        assertThatThrownBy(() -> m.fit(Map.of("a", x.get("a")), y, o))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("missing input b (the inputs are [a, b])");
        assertThatThrownBy(() -> m.fit(Map.of("a", x.get("a"), "b", x.get("b"), "c", x.get("b")), y, o))
                .hasMessageContaining("unknown input c (the inputs are [a, b])");
        assertThatThrownBy(() -> m.evaluate(x, Map.of("main", y.get("main"))))
                .hasMessageContaining("missing output aux (the outputs are [aux, main])");
        assertThatThrownBy(() -> m.predict(Map.of("a", x.get("a"), "bee", x.get("b"))))
                .hasMessageContaining("unknown input bee (the inputs are [a, b])");
        assertThatThrownBy(() -> m.compile(Optimizers.sgd(0.1), Map.of("main", MAIN_LOSS), Map.of(), Map.of()))
                .hasMessageContaining("no loss for output aux (the outputs are [aux, main])");
        assertThatThrownBy(() -> m.compile(Optimizers.sgd(0.1), MAIN_LOSS, Map.of("mian", 2.0), Map.of()))
                .hasMessageContaining("unknown output mian (the outputs are [aux, main])");
        assertThatThrownBy(() -> m.fit(x.get("a"), y.get("main"), o))
                .hasMessageContaining("the model has inputs [a, b] and outputs [aux, main]; pass a Map by name or a List in that order");
    }

    @Test
    void mismatchedSampleCountsAreRefusedNamingTheTensorAndTheCounts() {
        Functional m = compiled(1, 1);
        Map<String, Tensor> x = inputs(), y = targets(x);
        Tensor shortB = x.get("b").slice(0, 0, N - 1);
        assertThatThrownBy(() -> m.fit(Map.of("a", x.get("a"), "b", shortB), y, FitOptions.epochs(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("input b [59, 2] has 59 samples but input a has 60 (first axis)");
        Tensor shortAux = y.get("aux").slice(0, 0, 10);
        assertThatThrownBy(() -> m.evaluate(x, Map.of("main", y.get("main"), "aux", shortAux)))
                .hasMessageContaining("output aux [10, 1] has 10 samples but input a has 60");
        assertThatThrownBy(() -> m.fit(List.of(x.get("a")), List.of(y.get("aux"), y.get("main")), FitOptions.epochs(1)))
                .hasMessageContaining("the model has 2 input(s) [a, b], got 1 tensor(s)");
        assertThatThrownBy(() -> m.fit(x, y, FitOptions.epochs(1).validationData(Map.of("a", x.get("a"), "b", shortB), y)))
                .hasMessageContaining("fit (validation data): input b [59, 2] has 59 samples");
    }

    @Test
    void shufflingDrawsOneOrderForEveryTensorSoTheirRowsStayAligned() {
        float[] a = new float[N], b = new float[2 * N], y = new float[N];
        for (int i = 0; i < N; i++) {
            a[i] = i;
            b[2 * i] = 10 * i;
            b[2 * i + 1] = -i;
            y[i] = 100 * i;
        }
        BatchSource s = Batches.of(List.of(Tensor.of(a, N, 1), Tensor.of(b, N, 2)), List.of(Tensor.of(y, N)), 16, true, 3);
        int rows = 0;
        boolean shuffled = false;
        try (BatchIterator it = s.batches(1)) {
            while (it.hasNext()) {
                Batch batch = it.next();
                float[] ba = batch.xs().get(0).data(), bb = batch.xs().get(1).data(), by = batch.ys().get(0).data();
                for (int i = 0; i < batch.size(); i++) {
                    assertThat(bb[2 * i]).isEqualTo(10 * ba[i]);
                    assertThat(bb[2 * i + 1]).isEqualTo(-ba[i]);
                    assertThat(by[i]).isEqualTo(100 * ba[i]);
                    shuffled |= ba[i] != rows + i;
                }
                rows += batch.size();
            }
        }
        assertThat(rows).isEqualTo(N);
        assertThat(shuffled).isTrue();
    }

    @Test
    void aBatchOfSeveralTensorsRefusesRowsThatDifferAndTheOneTensorReadersNameXsAndYs() {
        Tensor five = Tensor.zeros(5, 2), four = Tensor.zeros(4, 2), y = Tensor.zeros(5);
        assertThatThrownBy(() -> new Batch(List.of(five, four), List.of(y)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("Batch: features[1] [4, 2] has 4 rows but features[0] has 5");
        assertThatThrownBy(() -> Batches.of(List.of(five), List.of(y, Tensor.zeros(3)), 2, false, 0))
                .hasMessage("Batch: targets[1] [3] has 3 rows but features[0] has 5");
        Batch two = new Batch(List.of(five, five), List.of(y));
        assertThat(two.single()).isFalse();
        assertThat(two.y()).isSameAs(y);
        assertThatThrownBy(two::x).hasMessage("Batch: there are 2 features tensors; read xs()");
        Batch one = new Batch(List.of(five), List.of(y)); // one of each is the one-tensor batch
        assertThat(one.single()).isTrue();
        assertThat(one.x()).isSameAs(five);
    }

    @Test
    void aStreamOfBatchesWithSeveralTensorsTrainsAsTheInMemoryFitDoes() {
        Map<String, Tensor> x = inputs(), y = targets(x);
        List<Tensor> xs = List.of(x.get("a"), x.get("b")), ys = List.of(y.get("aux"), y.get("main"));
        Functional inMemory = compiled(6, 0.3), streamed = compiled(6, 0.3);
        History h1 = inMemory.fit(xs, ys, FitOptions.epochs(2).batchSize(16).seed(4).validationData(xs, ys));
        History h2 = streamed.fit(Batches.of(xs, ys, 16, true, 4), FitOptions.epochs(2).validationData(x, y));
        assertThat(h2.metrics()).isEqualTo(h1.metrics());
    }

    @Test
    void aCompiledTwoOutputModelSavesItsLossesWeightsAndMetricsAndResumesBitForBit(@TempDir Path dir) {
        Map<String, Tensor> x = inputs(), y = targets(x);
        Functional whole = compiled(7, 0.2);
        History wholeHistory = whole.fit(x, y, FitOptions.epochs(4).batchSize(16).seed(9));

        Path ckpt = dir.resolve("two.nabla");
        Functional first = compiled(7, 0.2);
        first.fit(x, y, FitOptions.epochs(2).batchSize(16).seed(9).callbacks(ModelCheckpoint.every(1, ckpt)));
        SavedModel saved = ModelFile.load(ckpt);
        Model back = saved.model();
        assertThat(back.losses().keySet()).containsExactly("aux", "main");
        assertThat(back.losses().get("main").config()).isEqualTo(MAIN_LOSS.config());
        assertThat(back.losses().get("aux").config()).isEqualTo(AUX_LOSS.config());
        assertThat(back.lossWeights()).containsExactly(Map.entry("aux", 0.2), Map.entry("main", 1.0));
        assertThat(back.outputMetrics().get("main")).extracting(Metric::name).containsExactly("accuracy");
        assertThat(back.outputMetrics().get("aux")).extracting(Metric::name).containsExactly("mae");
        History rest = back.fit(x, y, FitOptions.epochs(4).initialEpoch(saved.epochsCompleted()).batchSize(16).seed(9));
        List<Tensor> a = whole.getWeights(), b = back.getWeights();
        for (int i = 0; i < a.size(); i++) assertThat(b.get(i).data()).as("weight %d", i).containsExactly(a.get(i).data());
        assertThat(rest.get("main_loss")).containsExactly(wholeHistory.get("main_loss").get(2), wholeHistory.get("main_loss").get(3));
        assertThat(saved.history().metrics().keySet()).containsExactly("loss", "aux_loss", "main_loss", "aux_mae", "main_accuracy");
    }

    @Test
    void theCallbacksWorkWithEachOutputsLogNames(@TempDir Path dir) throws Exception {
        Functional m = compiled(8, 0.5);
        Map<String, Tensor> x = inputs(), y = targets(x);
        EarlyStopping stop = new EarlyStopping("val_main_accuracy", 100, 0, false);
        ModelCheckpoint best = ModelCheckpoint.best("val_aux_mae", dir.resolve("best.nabla"));
        Path csv = dir.resolve("log.csv");
        GradientDiagnostics diagnostics = new GradientDiagnostics(w -> {});
        History h = m.fit(x, y, FitOptions.epochs(6).batchSize(16).seed(3).validationData(x, y)
                .callbacks(stop, best, diagnostics, new CsvLogger(csv)));
        // A mean absolute error improves downwards, for the checkpoint as for early stopping.
        int newLows = 0;
        double low = Double.POSITIVE_INFINITY;
        for (double v : h.get("val_aux_mae")) if (v < low) { low = v; newLows++; }
        assertThat(newLows).isGreaterThan(1);
        assertThat(best.saves()).isEqualTo(newLows);
        assertThat(stop.best()).isEqualTo(h.get("val_main_accuracy").stream().mapToDouble(Double::doubleValue).max().orElseThrow());
        String header = java.nio.file.Files.readAllLines(csv).get(0);
        assertThat(header).startsWith("epoch,loss,aux_loss,main_loss,aux_mae,main_accuracy,val_loss,val_aux_loss,val_main_loss,val_aux_mae,val_main_accuracy,grad_norm/");
    }

    @Test
    void aNaNInOneOutputsTargetsStopsTrainingThroughTheTotalLoss() {
        Functional m = compiled(8, 0.5);
        Map<String, Tensor> x = inputs(), y = targets(x);
        float[] aux = y.get("aux").data().clone();
        aux[N - 1] = Float.NaN;
        Map<String, Tensor> bad = Map.of("main", y.get("main"), "aux", Tensor.of(aux, N, 1));
        assertThatThrownBy(() -> m.fit(x, bad, FitOptions.epochs(2).batchSize(N).shuffle(false)))
                .isInstanceOf(TrainingDivergedException.class).hasMessageContaining("loss is NaN");
    }

    @Test
    void aOneOutputModelsLossWeightScalesItsTrainingLossAsItsEvaluation() {
        SymbolicTensor in = Input.of("x", 4);
        Functional m = Model.of(in, Dense.of(3, Activation.SOFTMAX).call(in)).seed(1);
        String out = m.outputNames().get(0);
        m.compile(Optimizers.sgd(0.1), MAIN_LOSS, Map.of(out, 2.0), Map.of());
        Map<String, Tensor> x = inputs();
        Tensor labels = targets(x).get("main");
        double before = m.evaluate(x.get("a"), labels).get("loss");
        m.setTraining(true);
        assertThat(before).isCloseTo(2 * MAIN_LOSS.apply(labels, m.apply(x.get("a"))).item(), within(1e-6));
        History h = m.fit(x.get("a"), labels, FitOptions.epochs(1).batchSize(FitOptions.FULL_BATCH).shuffle(false));
        assertThat(h.get("loss").get(0)).isCloseTo(before, within(1e-6));
    }

    @Test
    void aOneOutputModelKeepsItsLogNamesAndSavedFields(@TempDir Path dir) {
        SymbolicTensor in = Input.of("x", 4);
        Functional m = Model.of(in, Dense.of(3, Activation.SOFTMAX).call(in));
        assertThat(m.outputNames()).hasSize(1);
        m.compile(Optimizers.adam(0.01), Losses.sparseCategoricalCrossentropy(false), Metrics.accuracy());
        Map<String, Tensor> x = inputs();
        History h = m.fit(x.get("a"), targets(x).get("main"), FitOptions.epochs(1).validationSplit(0.2));
        assertThat(h.metrics().keySet()).containsExactly("loss", "accuracy", "val_loss", "val_accuracy");
        Path file = dir.resolve("one.nabla");
        ModelFile.save(file, m);
        Model back = ModelFile.load(file).model();
        assertThat(back.loss().config()).isEqualTo(m.loss().config());
        assertThat(back.metrics()).extracting(Metric::name).containsExactly("accuracy");
    }
}
