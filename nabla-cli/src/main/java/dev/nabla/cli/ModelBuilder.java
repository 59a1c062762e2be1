package dev.nabla.cli;

import dev.nabla.nn.Activation;
import dev.nabla.nn.ActivationLayer;
import dev.nabla.nn.AvgPool1D;
import dev.nabla.nn.AvgPool2D;
import dev.nabla.nn.CategoryEmbedding;
import dev.nabla.nn.BatchNormalization;
import dev.nabla.nn.Conv1D;
import dev.nabla.nn.Conv2D;
import dev.nabla.nn.Dense;
import dev.nabla.nn.Dropout;
import dev.nabla.nn.Embedding;
import dev.nabla.nn.GRU;
import dev.nabla.nn.GlobalAveragePooling1D;
import dev.nabla.nn.GlobalMaxPooling1D;
import dev.nabla.nn.Initializers;
import dev.nabla.nn.LSTM;
import dev.nabla.nn.SimpleRNN;
import dev.nabla.nn.Flatten;
import dev.nabla.nn.GlobalAveragePooling2D;
import dev.nabla.nn.Layer;
import dev.nabla.nn.LayerNormalization;
import dev.nabla.nn.MaxPool1D;
import dev.nabla.nn.MaxPool2D;
import dev.nabla.nn.Padding;
import dev.nabla.nn.Permute;
import dev.nabla.tensor.Tensor;
import dev.nabla.text.Tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Turns parsed {@code --layers} specs into layers, adding the output layer the task needs when it is missing. */
final class ModelBuilder {

    private ModelBuilder() {}

    static List<Layer> layers(List<LayerSpecParser.Spec> specs, Tasks.Task task, int outputs, boolean images) {
        List<Layer> layers = new ArrayList<>();
        boolean flat = !images;
        for (LayerSpecParser.Spec s : specs) {
            if (!flat && (s.kind() == LayerSpecParser.Kind.DENSE)) {
                layers.add(new Flatten()); // images meet their first dense layer flattened
                flat = true;
            }
            layers.add(layer(s));
            if (s.kind() == LayerSpecParser.Kind.FLATTEN || s.kind() == LayerSpecParser.Kind.GLOBAL_AVG_POOL) flat = true;
        }
        LayerSpecParser.Spec last = specs.get(specs.size() - 1);
        boolean hasOutput = last.kind() == LayerSpecParser.Kind.DENSE && last.size() == outputs
                && (task == Tasks.Task.REGRESSION || last.activation() == Activation.SOFTMAX || last.activation() == Activation.LINEAR);
        if (!hasOutput) {
            if (!flat) layers.add(new Flatten());
            layers.add(Dense.of(outputs, task == Tasks.Task.CLASSIFICATION ? Activation.SOFTMAX : Activation.LINEAR));
        }
        return layers;
    }

    /**
     * A table's layers behind a {@link CategoryEmbedding} of its category-index features (feature position to
     * vocabulary size, as the fitted preprocessor gives them), or unchanged when it has none.
     */
    static List<Layer> withCategoryEmbedding(List<Layer> layers, Map<Integer, Integer> indexColumns, int dim) {
        if (indexColumns.isEmpty()) return layers;
        if (dim < 0) throw new IllegalArgumentException("--embedding-dim: expected a positive size (or 0 for the default), got " + dim);
        List<Layer> out = new ArrayList<>();
        out.add(CategoryEmbedding.of(indexColumns, dim));
        out.addAll(layers);
        return out;
    }

    private static Layer layer(LayerSpecParser.Spec s) {
        switch (s.kind()) {
            case DENSE: return Dense.of(s.size(), s.activation());
            case CONV: return new Conv2D(s.size(), s.kernel(), s.stride(), s.same() ? Padding.SAME : Padding.VALID, true, s.activation());
            case MAX_POOL: return new MaxPool2D(s.size(), s.stride());
            case AVG_POOL: return new AvgPool2D(s.size(), s.stride());
            case GLOBAL_AVG_POOL: return new GlobalAveragePooling2D();
            case FLATTEN: return new Flatten();
            case DROPOUT: return new Dropout(s.rate());
            case BATCH_NORM: return new BatchNormalization();
            case LAYER_NORM: return new LayerNormalization();
            case ACTIVATION: return new ActivationLayer(s.activation());
            case EMBEDDING: case LSTM: case GRU: case SIMPLE_RNN: case CONV_1D: case MAX_POOL_1D: case AVG_POOL_1D: case GLOBAL_AVG_POOL_1D:
            case GLOBAL_MAX_POOL_1D:
                throw new IllegalArgumentException("--layers: " + s.kind().name().toLowerCase(java.util.Locale.ROOT) + " reads token ids or sequences;"
                        + " train on texts with --text-column (or --task language-model)");
            default: throw new IllegalStateException("unhandled layer kind " + s.kind());
        }
    }

    /**
     * A text model's layers: token ids [batch, length] enter an embedding (with padding index 0, whose mask the
     * recurrent and global pooling layers after it skip), which must come first. Between layers a sequence is
     * [batch, time, features]; conv1d and the 1-D pools, which read [batch, channels, length] as PyTorch, get it
     * transposed around them. A recurrent layer returns its whole sequence when a later layer reads sequences or the
     * model is a language model (which predicts every step), else its last output. A classifier whose last layer
     * still has a time axis is flattened before its output layer; a language model may neither lose the time axis
     * nor look at later steps (conv1d does).
     */
    static List<Layer> textLayers(List<LayerSpecParser.Spec> specs, Tasks.Task task, int outputs, int vocabulary) {
        if (specs.get(0).kind() != LayerSpecParser.Kind.EMBEDDING) {
            throw new IllegalArgumentException("--layers: a text model starts with embedding:DIM (token ids become vectors), e.g. embedding:64,lstm:64");
        }
        boolean languageModel = task == Tasks.Task.LANGUAGE_MODEL;
        List<Layer> layers = new ArrayList<>();
        boolean sequence = true, channelsFirst = false;
        for (int i = 0; i < specs.size(); i++) {
            LayerSpecParser.Spec s = specs.get(i);
            String token = "--layers: token " + (i + 1) + " '" + s.kind().name().toLowerCase(java.util.Locale.ROOT).replace("_", "") + "'";
            if (i > 0 && s.kind() == LayerSpecParser.Kind.EMBEDDING) throw new IllegalArgumentException(token + ": embedding comes first only");
            if (!sequence && s.kind().readsSequences()) throw new IllegalArgumentException(token + " reads a sequence, but the layer before it has no time axis left");
            boolean convolution = s.kind() == LayerSpecParser.Kind.CONV_1D || s.kind() == LayerSpecParser.Kind.MAX_POOL_1D
                    || s.kind() == LayerSpecParser.Kind.AVG_POOL_1D;
            if (languageModel && convolution) {
                throw new IllegalArgumentException(token + ": a language model predicts each step from the steps before it, and this layer mixes in later ones;"
                        + " use lstm, gru or rnn");
            }
            if (convolution != channelsFirst) {
                layers.add(new Permute(2, 1)); // [batch, time, features] <-> [batch, channels, length]
                channelsFirst = convolution;
            }
            boolean keepTime = languageModel || laterReadsSequences(specs, i);
            layers.add(switch (s.kind()) {
                case EMBEDDING -> new Embedding(null, vocabulary, s.size(), Tokenizer.PAD, Initializers.normal(0, 1));
                case LSTM -> new LSTM(null, s.size(), keepTime);
                case GRU -> new GRU(null, s.size(), keepTime);
                case SIMPLE_RNN -> new SimpleRNN(null, s.size(), keepTime);
                case CONV_1D -> new Conv1D(s.size(), s.kernel(), s.stride(), s.same() ? Padding.SAME : Padding.VALID, 1, true, s.activation());
                case MAX_POOL_1D -> new MaxPool1D(s.size(), s.stride());
                case AVG_POOL_1D -> new AvgPool1D(s.size(), s.stride());
                case GLOBAL_AVG_POOL_1D -> new GlobalAveragePooling1D();
                case GLOBAL_MAX_POOL_1D -> new GlobalMaxPooling1D();
                case CONV, MAX_POOL, AVG_POOL, GLOBAL_AVG_POOL -> throw new IllegalArgumentException(token + ": a 2-D image layer; a text model's layers are"
                        + " embedding, lstm, gru, rnn, conv1d, maxpool1d, avgpool1d, globalavgpool1d, globalmaxpool1d, dense, dropout, layernorm, flatten"
                        + " and activations");
                default -> layer(s);
            });
            if (s.kind().recurrent() && !keepTime || s.kind() == LayerSpecParser.Kind.FLATTEN || s.kind() == LayerSpecParser.Kind.GLOBAL_AVG_POOL_1D
                    || s.kind() == LayerSpecParser.Kind.GLOBAL_MAX_POOL_1D) {
                sequence = false;
            }
            if (languageModel && !sequence) throw new IllegalArgumentException(token + ": a language model predicts every step, but this layer removes the time axis");
        }
        if (channelsFirst) layers.add(new Permute(2, 1));
        LayerSpecParser.Spec last = specs.get(specs.size() - 1);
        boolean hasOutput = last.kind() == LayerSpecParser.Kind.DENSE && last.size() == outputs
                && (languageModel ? last.activation() == Activation.LINEAR : last.activation() == Activation.SOFTMAX || last.activation() == Activation.LINEAR
                        || task == Tasks.Task.REGRESSION);
        if (!hasOutput) {
            if (sequence && !languageModel) layers.add(new Flatten());
            layers.add(Dense.of(outputs, task == Tasks.Task.CLASSIFICATION ? Activation.SOFTMAX : Activation.LINEAR));
        }
        return layers;
    }

    private static boolean laterReadsSequences(List<LayerSpecParser.Spec> specs, int i) {
        for (int j = i + 1; j < specs.size(); j++) if (specs.get(j).kind().readsSequences()) return true;
        return false;
    }

    /** The activation of the last Dense layer (decides whether cross-entropy reads logits). */
    static Activation lastActivation(List<Layer> layers) {
        for (int i = layers.size() - 1; i >= 0; i--) {
            if (layers.get(i) instanceof Dense d) return d.activation();
            if (layers.get(i) instanceof ActivationLayer a) return a.activation();
        }
        return Activation.LINEAR;
    }

    /** The model's input shape for these features (batch 1). */
    static int[] inputShape(Tensor x) {
        int[] s = x.shape();
        s[0] = 1;
        return s;
    }
}
