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
import dev.nabla.tensor.Tensor;
import dev.nabla.train.Sequential;
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
    void convolutionsOverStepsAreTransposedToChannelsFirstAndBackAndGlobalPoolingEndsTheSequence() {
        List<LayerSpecParser.Spec> specs = LayerSpecParser.parse("embedding:8,conv1d:6:3:relu:same,maxpool1d:2,lstm:4,globalmaxpool1d,2");
        assertThat(specs).extracting(LayerSpecParser.Spec::kind).containsExactly(LayerSpecParser.Kind.EMBEDDING, LayerSpecParser.Kind.CONV_1D,
                LayerSpecParser.Kind.MAX_POOL_1D, LayerSpecParser.Kind.LSTM, LayerSpecParser.Kind.GLOBAL_MAX_POOL_1D, LayerSpecParser.Kind.DENSE);
        List<Layer> layers = ModelBuilder.textLayers(specs, Tasks.Task.CLASSIFICATION, 2, 50);
        assertThat(layers).extracting(Layer::type).containsExactly("Embedding", "Permute", "Conv1D", "MaxPool1D", "Permute", "LSTM",
                "GlobalMaxPooling1D", "Dense");
        assertThat(((LSTM) layers.get(5)).returnsSequences()).isTrue();
        Sequential model = new Sequential("m", layers.toArray(new Layer[0]));
        assertThat(model.apply(Tensor.of(new float[] {5, 6, 7, 8, 9, 0, 0, 0}, 1, 8)).shape()).containsExactly(1, 2);
        assertThat(LayerSpecParser.parse("gap1d,avgpool1d:3").get(1)).isEqualTo(new LayerSpecParser.Spec(LayerSpecParser.Kind.AVG_POOL_1D, 3, 0, 3, false, 0,
                Activation.LINEAR));
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
                .hasMessage("--layers: token 3 'flatten': a language model predicts every step, but this layer removes the time axis");
        assertThatThrownBy(() -> build("embedding:4,gru:4,gap1d", Tasks.Task.LANGUAGE_MODEL, 50))
                .hasMessageContaining("token 3 'globalavgpool1d': a language model predicts every step");
        assertThatThrownBy(() -> build("embedding:4,conv1d:4:3:same,lstm:4", Tasks.Task.LANGUAGE_MODEL, 50))
                .hasMessageContaining("token 2 'conv1d': a language model predicts each step from the steps before it");
        assertThatThrownBy(() -> build("embedding:4,conv:3:3", Tasks.Task.CLASSIFICATION, 2)).hasMessageContaining("token 2 'conv': a 2-D image layer");
        assertThatThrownBy(() -> ModelBuilder.layers(LayerSpecParser.parse("lstm:4"), Tasks.Task.CLASSIFICATION, 2, false))
                .hasMessageContaining("train on texts with --text-column");
    }
}
