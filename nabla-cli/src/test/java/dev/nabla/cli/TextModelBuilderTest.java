package dev.nabla.cli;

import dev.nabla.nn.Activation;
import dev.nabla.nn.Dense;
import dev.nabla.nn.Embedding;
import dev.nabla.nn.Flatten;
import dev.nabla.nn.GRU;
import dev.nabla.nn.LSTM;
import dev.nabla.nn.Layer;
import dev.nabla.nn.Recurrent;
import dev.nabla.nn.SimpleRNN;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** --layers for texts: the tokens that parse, and the layers a classifier and a language model get from them. */
class TextModelBuilderTest {

    private static List<Layer> build(String layers, Tasks.Task task, int outputs) {
        return ModelBuilder.textLayers(LayerSpecParser.parse(layers), task, outputs, 50);
    }

    @Test
    void embeddingAndRecurrentTokensParseWithTheirSizes() {
        List<LayerSpecParser.Spec> s = LayerSpecParser.parse("embedding:64, lstm:32, gru:16, rnn:8, simplernn:4");
        assertThat(s).extracting(LayerSpecParser.Spec::kind).containsExactly(LayerSpecParser.Kind.EMBEDDING, LayerSpecParser.Kind.LSTM,
                LayerSpecParser.Kind.GRU, LayerSpecParser.Kind.SIMPLE_RNN, LayerSpecParser.Kind.SIMPLE_RNN);
        assertThat(s).extracting(LayerSpecParser.Spec::size).containsExactly(64, 32, 16, 8, 4);
        assertThatThrownBy(() -> LayerSpecParser.parse("embedding")).hasMessage("--layers: token 1 'embedding': expected embedding:DIM");
        assertThatThrownBy(() -> LayerSpecParser.parse("lstm:0")).hasMessage("--layers: token 1 'lstm:0': expected units as a positive integer, got '0'");
    }

    @Test
    void aClassifiersStackedRecurrentLayersReturnSequencesUpToTheLastWhichGivesItsLastOutput() {
        List<Layer> layers = build("embedding:8,lstm:6,gru:4,2", Tasks.Task.CLASSIFICATION, 2);
        assertThat(layers).hasSize(4);
        Embedding e = (Embedding) layers.get(0);
        assertThat(e.config()).containsEntry("input_dim", 50).containsEntry("output_dim", 8).containsEntry("padding_index", 0);
        assertThat(((LSTM) layers.get(1)).returnsSequences()).isTrue();
        assertThat(((GRU) layers.get(2)).returnsSequences()).isFalse();
        assertThat(((Dense) layers.get(3)).activation()).isEqualTo(Activation.LINEAR);
    }

    @Test
    void aClassifierThatKeepsItsTimeAxisIsFlattenedBeforeTheAddedOutputLayer() {
        List<Layer> layers = build("embedding:8,16:relu", Tasks.Task.CLASSIFICATION, 3);
        assertThat(layers).hasSize(4);
        assertThat(layers.get(2)).isInstanceOf(Flatten.class);
        assertThat(((Dense) layers.get(3)).activation()).isEqualTo(Activation.SOFTMAX);
    }

    @Test
    void aLanguageModelReturnsEveryStepAndEndsInLogitsOverTheVocabulary() {
        List<Layer> layers = build("embedding:8,rnn:6,lstm:4", Tasks.Task.LANGUAGE_MODEL, 50);
        assertThat(layers).hasSize(4);
        assertThat(layers.subList(1, 3)).allSatisfy(l -> assertThat(((Recurrent) l).returnsSequences()).isTrue());
        assertThat(layers.get(1)).isInstanceOf(SimpleRNN.class);
        Dense out = (Dense) layers.get(3);
        assertThat(out.activation()).isEqualTo(Activation.LINEAR);
        assertThat(out.config()).containsEntry("units", 50);
    }

    @Test
    void textModelsRefuseLayersThatDoNotFit() {
        assertThatThrownBy(() -> build("lstm:4", Tasks.Task.CLASSIFICATION, 2)).hasMessageContaining("a text model starts with embedding:DIM");
        assertThatThrownBy(() -> build("embedding:4,flatten,lstm:4", Tasks.Task.CLASSIFICATION, 2))
                .hasMessage("--layers: token 3 'lstm' reads a sequence, but the layer before it has no time axis left");
        assertThatThrownBy(() -> build("embedding:4,lstm:4,flatten", Tasks.Task.LANGUAGE_MODEL, 50))
                .hasMessage("--layers: token 3: a language model predicts every step, but this layer removes the time axis");
        assertThatThrownBy(() -> build("embedding:4,conv:3:3", Tasks.Task.CLASSIFICATION, 2)).hasMessageContaining("conv is a 2-D image layer");
        assertThatThrownBy(() -> ModelBuilder.layers(LayerSpecParser.parse("lstm:4"), Tasks.Task.CLASSIFICATION, 2, false))
                .hasMessageContaining("train on texts with --text-column");
    }
}
