package dev.nabla.train;

import dev.nabla.data.Dataset;
import dev.nabla.data.Datasets;
import dev.nabla.io.Json;
import dev.nabla.nn.Activation;
import dev.nabla.nn.Add;
import dev.nabla.nn.Concatenate;
import dev.nabla.nn.Dense;
import dev.nabla.nn.Dropout;
import dev.nabla.nn.Input;
import dev.nabla.nn.Layer;
import dev.nabla.nn.SymbolicTensor;
import dev.nabla.nn.Weight;
import dev.nabla.nn.losses.Losses;
import dev.nabla.optim.Optimizers;
import dev.nabla.tensor.Rng;
import dev.nabla.tensor.Tensor;
import dev.nabla.testing.DArray;
import dev.nabla.testing.GradCheck;
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

class FunctionalModelTest {

    private final Dataset iris = Datasets.irisTrain();

    @BeforeEach
    void freshNames() {
        Layer.resetNames();
    }

    private static Tensor random(long seed, int... shape) {
        return Tensor.normal(new Rng(seed), 0, 1, shape);
    }

    /** features -> dense -> dense, added back to the first (a skip connection) -> softmax head. */
    private static Functional residualMlp() {
        SymbolicTensor x = Input.of("features", 4);
        SymbolicTensor h = Dense.of(16, Activation.RELU).call(x);
        SymbolicTensor r = Dense.of(16, Activation.RELU).call(h);
        SymbolicTensor y = Dense.of(3, Activation.SOFTMAX).call(new Add().call(h, r));
        return Model.of(x, y);
    }

    @Test
    void aResidualMlpTrainsOnIrisWithFitAndBeatsChance() {
        Functional m = residualMlp().seed(3);
        m.compile(Optimizers.adam(0.01f), Losses.sparseCategoricalCrossentropy(false), Metrics.accuracy());
        History h = m.fit(iris.x(), iris.y(), FitOptions.epochs(60).batchSize(16).seed(1));
        assertThat(h.get("loss").get(59)).isLessThan(h.get("loss").get(0));
        Dataset test = Datasets.irisTest();
        assertThat(m.evaluate(test.x(), test.y()).get("accuracy")).isGreaterThan(0.8); // chance is 1/3
        assertThat(m.predict(test.x()).shape()).containsExactly(test.size(), 3);
    }

    @Test
    void aTwoInputModelComputesWhatTheLayersComputeByHand() {
        SymbolicTensor a = Input.of("a", 3), b = Input.of("b", 2);
        Dense left = Dense.of(4, Activation.TANH), right = Dense.of(5), head = Dense.of(2);
        SymbolicTensor y = head.call(new Concatenate().call(left.call(a), right.call(b)));
        Functional m = Model.of(List.of(a, b), y);
        Tensor ta = random(1, 6, 3), tb = random(2, 6, 2);
        Tensor expected = head.apply(Tensor.concat(1, left.apply(ta), right.apply(tb)));
        assertThat(m.apply(List.of(ta, tb)).get(0).data()).containsExactly(expected.data());
        assertThat(m.apply(ta, tb).data()).containsExactly(expected.data());
        assertThat(m.apply(Map.of("b", tb, "a", ta)).get("dense_2").data()).containsExactly(expected.data());
        assertThat(m.inputNames()).containsExactly("a", "b");
        assertThat(m.outputNames()).containsExactly("dense_2");
    }

    @Test
    void outputsNamedByAMapAreOrderedByName() {
        SymbolicTensor x = Input.of("x", 3);
        SymbolicTensor h = Dense.of(4).call(x);
        SymbolicTensor main = Dense.of(2).call(h), aux = Dense.of(1).call(h);
        Functional m = Model.of(List.of(x), Map.of("main", main, "aux", aux));
        assertThat(m.outputNames()).containsExactly("aux", "main");
        Tensor t = random(3, 5, 3);
        List<Tensor> out = m.apply(List.of(t));
        assertThat(out.get(0).shape()).containsExactly(5, 1);
        assertThat(out.get(1).shape()).containsExactly(5, 2);
        assertThat(m.apply(Map.of("x", t)).keySet()).containsExactly("aux", "main");
        assertThatThrownBy(() -> m.apply(t)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has 1 input(s) [x] and 2 output(s) [aux, main]; call apply(List) or apply(Map)");
    }

    @Test
    void aSharedLayerIsOneChildWithOneSetOfWeights() {
        SymbolicTensor x = Input.of("x", 3);
        Dense shared = Dense.of(3, Activation.TANH);
        SymbolicTensor h1 = shared.call(x), h2 = shared.call(h1);
        Functional m = Model.of(x, new Add().call(h1, h2));
        assertThat(h1.name()).isEqualTo("dense");
        assertThat(h2.name()).isEqualTo("dense:1");
        assertThat(m.children()).hasSize(2);
        assertThat(m.weights()).extracting(Weight::name).containsExactly("dense/kernel", "dense/bias");
        assertThat(m.trainableParameters()).hasSize(2);
        assertThat(m.nodes()).containsExactly(h1, h2, m.outputs().get(0));
        Tensor t = random(4, 2, 3);
        Tensor once = shared.apply(t);
        assertThat(m.apply(t).data()).containsExactly(once.add(shared.apply(once)).data());
    }

    @Test
    void seedingAFunctionalModelInitialisesItsWeightsAsSequentialDoes() {
        Sequential s = Sequential.of(Dense.of(8, Activation.RELU), Dense.of(3));
        s.seed(11);
        s.buildFor(1, 4);
        SymbolicTensor x = Input.of("x", 4);
        Functional f = Model.of(x, Dense.of(3).call(Dense.of(8, Activation.RELU).call(x))).seed(11);
        Functional g = Model.of(x, Dense.of(3).call(Dense.of(8, Activation.RELU).call(x))).seed(11);
        for (int i = 0; i < s.weights().size(); i++) {
            assertThat(f.getWeights().get(i).data()).containsExactly(s.getWeights().get(i).data());
            assertThat(g.getWeights().get(i).data()).containsExactly(s.getWeights().get(i).data());
        }
        f.setTraining(false);
        assertThat(f.children()).allMatch(l -> !l.isTraining());
    }

    /** y = tanh(x W + b), its weights handed in (so that the gradient check can make them leaves). */
    static final class Affine extends Layer {
        Tensor kernel, bias;
        final boolean tanh;

        Affine(String name, int in, int out, boolean tanh) {
            super(name);
            this.kernel = Tensor.zeros(in, out);
            this.bias = Tensor.zeros(out);
            this.tanh = tanh;
        }

        @Override
        protected Tensor forward(Tensor x) {
            Tensor z = x.matmul(kernel).add(bias);
            return tanh ? z.tanh() : z;
        }
    }

    private static DArray concatColumns(DArray a, DArray b) {
        int n = a.shape()[0], p = a.shape()[1], q = b.shape()[1];
        return DArray.build(new int[] {n, p + q}, i -> i[1] < p ? a.at(i[0], i[1]) : b.at(i[0], i[1] - p));
    }

    private static DArray dRandom(long seed, int... shape) {
        return DArray.of(random(seed, shape));
    }

    @Test
    void aGraphWithASharedLayerAndMergesPassesTheGradientCheck() {
        SymbolicTensor x = Input.of("x", 3);
        Affine shared = new Affine("shared", 3, 3, true), head = new Affine("head", 6, 2, false);
        SymbolicTensor h1 = shared.call(x), h2 = shared.call(h1);
        SymbolicTensor joined = new Concatenate().call(h2, new Add().call(h1, h2));
        Functional m = Model.of(x, head.call(joined));
        GradCheck.check(in -> {
            shared.kernel = in[1];
            shared.bias = in[2];
            head.kernel = in[3];
            head.bias = in[4];
            return m.apply(in[0]);
        }, in -> {
            DArray a1 = in[0].matmul(in[1]).add(in[2]).map(Math::tanh);
            DArray a2 = a1.matmul(in[1]).add(in[2]).map(Math::tanh);
            return concatColumns(a2, a1.add(a2)).matmul(in[3]).add(in[4]);
        }, dRandom(1, 4, 3), dRandom(2, 3, 3), dRandom(3, 3), dRandom(4, 6, 2), dRandom(5, 2)).assertPassed();
    }

    @Test
    void aLayerCalledOnAShapeItCannotTakeIsRefusedAtTheCallNamingTheLayerAndShapes() {
        SymbolicTensor a = Input.of("a", 4), b = Input.of("b", 5);
        Dense shared = Dense.of(2);
        shared.call(a);
        assertThatThrownBy(() -> shared.call(b)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("dense cannot be called on b [None, 5]: dense expects input [*, 4], got [1, 5]");
        assertThatThrownBy(() -> shared.call(a, b)).hasMessageContaining("dense takes one input, got 2: [1, 4] and [1, 5]");
        assertThatThrownBy(() -> shared.apply(Tensor.zeros(1, 4), Tensor.zeros(1, 4))).hasMessage("dense takes one input, got 2: [1, 4] and [1, 4]");
    }

    @Test
    void aMissingOrUnknownInputNameIsRefusedListingTheInputs() {
        SymbolicTensor a = Input.of("a", 2), b = Input.of("b", 2);
        Functional m = Model.of(List.of(a, b), new Add().call(a, b));
        Tensor t = Tensor.zeros(1, 2);
        assertThatThrownBy(() -> m.apply(Map.of("a", t))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("functional: missing input b (the inputs are [a, b])");
        assertThatThrownBy(() -> m.apply(Map.of("a", t, "b", t, "c", t))).hasMessage("functional: unknown input c (the inputs are [a, b])");
        assertThatThrownBy(() -> m.apply(List.of(t))).hasMessage("functional takes 2 input(s) [a, b], got 1");
        assertThatThrownBy(() -> m.apply(List.of(t, Tensor.zeros(1, 3)))).hasMessage("functional: input b expects [*, 2], got [1, 3]");
    }

    @Test
    void aGraphWhoseOutputNeedsAnInputNotGivenOrThatIgnoresAGivenInputIsRefused() {
        SymbolicTensor a = Input.of("a", 2), b = Input.of("b", 2);
        SymbolicTensor sum = new Add("sum").call(a, b);
        assertThatThrownBy(() -> Model.of(a, sum)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("functional: output sum depends on input b, which is not among the model's inputs [a]");
        assertThatThrownBy(() -> Model.of(List.of(a, b), Dense.of(1).call(a)))
                .hasMessage("functional_1: no output depends on input b");
    }

    @Test
    void duplicateNamesInAGraphAreRefused() {
        SymbolicTensor a = Input.of("x", 2), b = Input.of("x", 2);
        assertThatThrownBy(() -> Model.of(List.of(a, b), new Add().call(a, b))).hasMessageContaining("two inputs are named x");
        SymbolicTensor c = Input.of("c", 2);
        SymbolicTensor twice = new Dense("hidden", 2, Activation.LINEAR, dev.nabla.nn.Initializers.zeros(), dev.nabla.nn.Initializers.zeros(), true)
                .call(new Dense("hidden", 2, Activation.LINEAR, dev.nabla.nn.Initializers.zeros(), dev.nabla.nn.Initializers.zeros(), true).call(c));
        assertThatThrownBy(() -> Model.of(c, twice)).hasMessageContaining("two layers are named hidden; give them distinct names");
        SymbolicTensor h = Dense.of(2).call(c);
        assertThatThrownBy(() -> Model.of(List.of(c), List.of(h, h))).hasMessageContaining("two outputs are named dense");
    }

    /** Two inputs, a shared layer, merges, dropout and two outputs. */
    private static Functional graph() {
        SymbolicTensor a = Input.of("a", 4), b = Input.of("b", 4);
        Dense shared = Dense.of(6, Activation.TANH);
        SymbolicTensor ha = shared.call(a), hb = shared.call(b);
        SymbolicTensor joined = new Concatenate().call(new Add().call(ha, hb), new Dropout(0.3).call(hb));
        return Model.of(List.of(a, b), Map.of("main", Dense.of(3).call(joined), "aux", Dense.of(1).call(ha)));
    }

    @Test
    void aSavedGraphLoadsWithoutRegistrationAndPredictsBitForBit(@TempDir Path dir) {
        Functional m = graph().seed(5);
        Path file = dir.resolve("graph.nabla");
        ModelFile.save(file, m);
        Functional back = (Functional) ModelFile.load(file).model();
        Tensor ta = random(6, 7, 4), tb = random(7, 7, 4);
        m.setTraining(false);
        List<Tensor> expected = m.apply(List.of(ta, tb)), got = back.apply(List.of(ta, tb));
        for (int i = 0; i < 2; i++) assertThat(got.get(i).data()).containsExactly(expected.get(i).data());
        assertThat(back.outputNames()).containsExactly("aux", "main");
        assertThat(back.inputNames()).containsExactly("a", "b");
        assertThat(back.summary()).isEqualTo(m.summary());
        assertThat(back.config()).isEqualTo(m.config());

        Functional mlp = residualMlp().seed(2);
        mlp.compile(Optimizers.adam(0.01f), Losses.sparseCategoricalCrossentropy(false), Metrics.accuracy());
        mlp.fit(iris.x(), iris.y(), FitOptions.epochs(2).batchSize(32).seed(1));
        ModelFile.save(file, mlp);
        Model mlpBack = ModelFile.load(file).model();
        assertThat(mlpBack.predict(iris.x()).data()).containsExactly(mlp.predict(iris.x()).data());
        assertThat(mlpBack.optimizer().iterations()).isEqualTo(mlp.optimizer().iterations());
    }

    private static Functional compiledWithDropout(long seed) {
        SymbolicTensor x = Input.of("features", 4);
        SymbolicTensor h = Dense.of(16, Activation.RELU).call(x);
        SymbolicTensor r = Dense.of(16, Activation.RELU).call(new Dropout(0.2).call(h));
        Functional m = Model.of(x, Dense.of(3, Activation.SOFTMAX).call(new Add().call(h, r))).seed(seed);
        m.compile(Optimizers.adam(0.01f), Losses.sparseCategoricalCrossentropy(false), Metrics.accuracy());
        return m;
    }

    @Test
    void resumingAGraphFromACheckpointEndsWithTheSameWeightsAsAnUninterruptedRun(@TempDir Path dir) {
        Functional whole = compiledWithDropout(5);
        whole.fit(iris.x(), iris.y(), FitOptions.epochs(4).batchSize(16).seed(9));
        Path ckpt = dir.resolve("ckpt.nabla");
        Functional first = compiledWithDropout(5);
        first.fit(iris.x(), iris.y(), FitOptions.epochs(2).batchSize(16).seed(9).callbacks(ModelCheckpoint.every(1, ckpt)));
        SavedModel saved = ModelFile.load(ckpt);
        saved.model().fit(iris.x(), iris.y(), FitOptions.epochs(4).initialEpoch(saved.epochsCompleted()).batchSize(16).seed(9));
        List<Tensor> a = whole.getWeights(), b = saved.model().getWeights();
        assertThat(b).hasSameSizeAs(a);
        for (int i = 0; i < a.size(); i++) assertThat(b.get(i).data()).as("weight %d", i).containsExactly(a.get(i).data());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> copy(Map<String, Object> config) {
        return (Map<String, Object>) Json.parse(Json.write(config));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> node(Map<String, Object> config, int i) {
        return (Map<String, Object>) ((List<Object>) config.get("nodes")).get(i);
    }

    @Test
    void aMalformedGraphConfigIsRefusedNamingTheField() {
        Map<String, Object> good = graph().config();
        assertThat(Models.fromConfig(copy(good))).isInstanceOf(Functional.class);

        Map<String, Object> c = copy(good);
        node(c, 3).put("inputs", new ArrayList<>(List.of("dense", "x9")));
        assertThatThrownBy(() -> Models.fromConfig(c)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("model.nodes[3].inputs[1]: unknown tensor \"x9\" (the inputs and the earlier nodes are [a, b, dense, dense_2, dense:1])");
        Map<String, Object> d = copy(good);
        node(d, 0).put("layer", "nope");
        assertThatThrownBy(() -> Models.fromConfig(d)).hasMessageStartingWith("model.nodes[0].layer: unknown layer \"nope\"");
        Map<String, Object> e = copy(good);
        node(e, 3).put("inputs", List.of("a", "b", "dense"));
        assertThatThrownBy(() -> Models.fromConfig(e)).hasMessageStartingWith("model.nodes[3]: add cannot be called on a [None, 4], b [None, 4], dense [None, 6]");
        Map<String, Object> f = copy(good);
        ((List<Object>) f.get("outputs")).set(0, Map.of("name", "aux", "tensor", 7));
        assertThatThrownBy(() -> Models.fromConfig(f)).hasMessage("model.outputs[0].tensor: expected the name of a tensor, got 7");
    }

    @Test
    void theSummaryOfAGraphShowsWhatEachLayerIsConnectedTo() {
        String s = graph().summary();
        assertThat(s).contains("Connected to");
        assertThat(s).containsPattern("a \\(Input\\) +\\[None, 4\\] +0  -");
        assertThat(s).containsPattern("dense \\(Dense\\) +\\[None, 6\\] +30  a, b\n");
        assertThat(s).containsPattern("add \\(Add\\) +\\[None, 6\\] +0  dense, dense:1\n");
        assertThat(s).containsPattern("concatenate \\(Concatenate\\) +\\[None, 12\\] +0  add, dropout\n");
        assertThat(s).contains("Total params: " + (30 + 39 + 7));
    }
}
