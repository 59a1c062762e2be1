package dev.nabla.cli;

import dev.nabla.nn.Activation;
import dev.nabla.nn.ActivationLayer;
import dev.nabla.nn.AvgPool2D;
import dev.nabla.nn.BatchNormalization;
import dev.nabla.nn.Conv2D;
import dev.nabla.nn.Dense;
import dev.nabla.nn.Dropout;
import dev.nabla.nn.Flatten;
import dev.nabla.nn.GlobalAveragePooling2D;
import dev.nabla.nn.Layer;
import dev.nabla.nn.LayerNormalization;
import dev.nabla.nn.MaxPool2D;
import dev.nabla.nn.Padding;
import dev.nabla.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

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
            default: throw new IllegalStateException("unhandled layer kind " + s.kind());
        }
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
