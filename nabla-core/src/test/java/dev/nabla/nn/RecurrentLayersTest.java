package dev.nabla.nn;

import dev.nabla.nn.losses.Losses;
import dev.nabla.optim.Optimizers;
import dev.nabla.tensor.Rng;
import dev.nabla.tensor.Tensor;
import dev.nabla.train.FitOptions;
import dev.nabla.train.Functional;
import dev.nabla.train.History;
import dev.nabla.train.Model;
import dev.nabla.train.ModelFile;
import dev.nabla.train.SavedModel;
import dev.nabla.train.Sequential;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;

import static dev.nabla.testing.Fixtures.assertClose;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The recurrent layers as layers: masks, states, stacking, training, naming, config and model-file round trips. */
class RecurrentLayersTest {

    @BeforeEach
    void freshNames() {
        Layer.resetNames();
    }

    private static Recurrent layer(String type, int units) {
        switch (type) {
            case "LSTM": return LSTM.of(units);
            case "GRU": return GRU.of(units);
            default: return SimpleRNN.of(units);
        }
    }

    /** Two sequences of lengths 5 and 3 (post-padded with zeros) of 2 features; the first feature is never 0. */
    private static Tensor paddedBatch() {
        Rng rng = new Rng(11);
        Tensor x = Tensor.uniform(rng, 0.5f, 1.5f, 2, 5, 2);
        for (int s = 3; s < 5; s++) for (int f = 0; f < 2; f++) x.set(0f, 1, s, f);
        return x;
    }

    private static final Tensor MASK = Tensor.of(new float[] {1, 1, 1, 1, 1, 1, 1, 1, 0, 0}, 2, 5);

    @ParameterizedTest
    @ValueSource(strings = {"SimpleRNN", "LSTM", "GRU"})
    void aPostPaddedBatchGivesEachSequenceTheLastOutputOfRunningItAloneUnpadded(String type) {
        Recurrent rnn = layer(type, 4);
        rnn.seed(5);
        Tensor x = paddedBatch();
        Tensor last = rnn.applyMasked(x, MASK);
        Tensor alone0 = rnn.apply(x.slice(0, 0, 1));
        Tensor alone1 = rnn.apply(x.slice(0, 1, 2).slice(1, 0, 3));
        assertClose("first row", last.slice(0, 0, 1), alone0, 1e-6, 1e-6);
        assertClose("second row", last.slice(0, 1, 2), alone1, 1e-6, 1e-6);
        // and the same when the mask comes from a layer before it
        Tensor viaSource = Sequential.of(new MasksTest.ZeroIsPadding(), rnn).apply(x);
        assertThat(viaSource.data()).containsExactly(last.data());
        // without the mask the padded steps would change the second row
        assertThat(rnn.apply(x).slice(0, 1, 2).allClose(alone1, 1e-4, 1e-5)).isFalse();
    }

    @Test
    void paddedStepsOutputZerosAndTheMaskGoesOnOnlyWithTheSequence() {
        LSTM seq = LSTM.of(3).returnSequences(true);
        Tensor y = seq.applyMasked(paddedBatch(), MASK);
        for (int s = 3; s < 5; s++) for (int j = 0; j < 3; j++) assertThat(y.get(1, s, j)).isZero();
        assertThat(y.get(1, 2, 0)).isNotZero();
        MasksTest.MaskedSum sum = new MasksTest.MaskedSum();
        Sequential.of(new MasksTest.ZeroIsPadding(), seq, sum).apply(paddedBatch());
        assertThat(sum.seen.get(sum.seen.size() - 1).data()).containsExactly(MASK.data());
        assertThat(LSTM.of(3).outputMask(new Tensor[] {MASK})).isNull();
        assertThat(seq.outputMask(new Tensor[] {MASK})).isSameAs(MASK);
    }

    @Test
    void aMaskOfTheWrongShapeIsRefusedNamingTheLayerAndBothShapes() {
        GRU gru = GRU.of(3);
        assertThatThrownBy(() -> gru.applyMasked(paddedBatch(), Tensor.ones(2, 4)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(gru.name()).hasMessageContaining("[2, 5]").hasMessageContaining("[2, 4]");
        assertThatThrownBy(() -> gru.apply(Tensor.ones(2, 5))).hasMessageContaining(gru.name()).hasMessageContaining("[2, 5]");
        assertThatThrownBy(() -> gru.applyWithState(paddedBatch(), Tensor.ones(2, 4)))
                .hasMessageContaining("h0").hasMessageContaining("[2, 3]").hasMessageContaining("[2, 4]");
    }

    @ParameterizedTest
    @ValueSource(strings = {"SimpleRNN", "LSTM", "GRU"})
    void continuingFromTheFinalStatesEqualsReadingTheWholeSequenceAtOnce(String type) {
        Recurrent rnn = layer(type, 4).returnSequences(true);
        Tensor x = paddedBatch().slice(0, 0, 1);
        Recurrent.State whole = rnn.applyWithState(x);
        Recurrent.State first = rnn.applyWithState(x.slice(1, 0, 2));
        Recurrent.State rest = rnn.applyWithState(x.slice(1, 2, 5), first.h(), first.c());
        assertClose("h_n", rest.h(), whole.h(), 1e-6, 1e-6);
        assertClose("the later outputs", rest.output(), whole.output().slice(1, 2, 5), 1e-6, 1e-6);
        if (type.equals("LSTM")) assertClose("c_n", rest.c(), whole.c(), 1e-6, 1e-6);
        else assertThat(whole.c()).isNull();
    }

    @Test
    void initialStatesAreExtraInputsOfAGraphNode() {
        SymbolicTensor x = Input.of("x", 5, 2), h0 = Input.of("h0", 4), c0 = Input.of("c0", 4);
        LSTM lstm = LSTM.of(4);
        Functional model = Model.of(List.of(x, h0, c0), lstm.call(x, h0, c0));
        Rng rng = new Rng(2);
        Tensor xv = paddedBatch(), hv = Tensor.randn(rng, 2, 4), cv = Tensor.randn(rng, 2, 4);
        Tensor y = model.apply(List.of(xv, hv, cv)).get(0);
        assertThat(y.data()).containsExactly(lstm.applyWithState(xv, hv, cv).output().data());
        assertThat(y.allClose(lstm.apply(xv), 1e-3, 1e-4)).isFalse(); // the states were used
    }

    @Test
    void parametersAreNamedAndShapedAsPyTorchAndStartUniformWithinOneOverSqrtUnits() {
        LSTM lstm = LSTM.of(16);
        lstm.buildFor(2, 5, 3);
        List<Weight> w = lstm.weights();
        assertThat(w).extracting(Weight::name).containsExactly("lstm/weight_ih", "lstm/weight_hh", "lstm/bias_ih", "lstm/bias_hh");
        assertThat(w.get(0).value().shape()).containsExactly(64, 3);
        assertThat(w.get(1).value().shape()).containsExactly(64, 16);
        assertThat(w.get(3).value().shape()).containsExactly(64);
        for (Weight p : w) {
            assertThat(p.value().abs().max().item()).isLessThanOrEqualTo(0.25f).isGreaterThan(0.2f);
        }
        GRU gru = GRU.of(4);
        gru.buildFor(1, 1, 7);
        assertThat(gru.weightIh().shape()).containsExactly(12, 7);
        assertThat(gru.name()).isEqualTo("gru");
        assertThat(SimpleRNN.of(2).name()).isEqualTo("simple_rnn");
    }

    @Test
    void stackedRecurrentLayersLearnToCountInASequential() {
        // target: how many of the 6 steps have a positive first feature, a sum over time the layers must carry
        Rng rng = new Rng(3);
        Tensor x = Tensor.randn(rng, 64, 6, 2);
        Tensor y = x.slice(2, 0, 1).gt(0f).sum(1);
        Sequential model = Sequential.of(LSTM.of(8).returnSequences(true), GRU.of(8), Dense.of(1));
        model.seed(1);
        model.compile(Optimizers.adam(0.02f), Losses.mse());
        History h = model.fit(x, y, FitOptions.epochs(60).batchSize(16).seed(2));
        List<Double> loss = h.get("loss");
        assertThat(loss.get(loss.size() - 1)).isLessThan(0.2 * loss.get(0));
    }

    @Test
    void aBidirectionalConfigAroundALayerThatIsNotRecurrentIsRefusedNamingTheField() {
        Map<String, Object> c = Map.of("type", "Bidirectional", "name", "bi", "layer", Map.of("type", "Flatten", "name", "f"));
        assertThatThrownBy(() -> Layers.fromConfig(c, "model.layers[1]"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("model.layers[1].layer").hasMessageContaining("Flatten");
        assertThatThrownBy(() -> Layers.fromConfig(Map.of("type", "LSTM", "name", "l", "units", 0, "return_sequences", false), "m"))
                .hasMessageContaining("m.units");
    }

    @Test
    void aModelOfRecurrentLayersRoundTripsThroughItsConfigAndFile() {
        Sequential m = Sequential.of(SimpleRNN.of(3).returnSequences(true), Bidirectional.of(LSTM.of(4).returnSequences(true)),
                GRU.of(5), Dense.of(2));
        m.seed(4);
        m.compile(Optimizers.adam(0.01f), Losses.mse());
        Tensor x = paddedBatch();
        m.fit(x, Tensor.ones(2, 2), FitOptions.epochs(2).batchSize(2).seed(1));
        SavedModel back = ModelFile.fromBytes(ModelFile.toBytes(new SavedModel(m, Map.of(), null, Map.of())), "in memory");
        assertThat(back.model().predict(x).data()).containsExactly(m.predict(x).data());
        assertThat(back.model().summary()).isEqualTo(m.summary());
        assertThat(m.summary()).contains("Bidirectional").contains("[None, 5, 8]").contains("GRU", "SimpleRNN");
    }
}
