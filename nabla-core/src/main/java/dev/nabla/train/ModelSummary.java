package dev.nabla.train;

import dev.nabla.nn.Layer;
import dev.nabla.tensor.Shape;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Renders {@link Model#summary()}: one row per layer with its output shape (batch shown as "None", as Keras) and
 * parameter count, then total / trainable / non-trainable parameters.
 */
final class ModelSummary {

    private ModelSummary() {}

    static String of(Model model) {
        if (!model.isBuilt()) {
            throw new IllegalStateException(model.name() + ".summary: the model is not built yet; call buildFor(inputShape) or fit it first");
        }
        List<String[]> rows = new ArrayList<>();
        int[] shape = model.inputShape();
        boolean chained = model instanceof Sequential;
        for (Layer layer : model.children()) {
            String out = "?";
            if (chained && shape != null) {
                shape = layer.outputShape(shape);
                out = describe(shape);
            }
            rows.add(new String[] {layer.name() + " (" + layer.type() + ")", out, String.format(Locale.ROOT, "%,d", layer.parameterCount())});
        }
        long total = model.parameterCount();
        long trainable = model.trainableParameterCount();
        int w0 = "Layer (type)".length(), w1 = "Output Shape".length(), w2 = "Param #".length();
        for (String[] r : rows) {
            w0 = Math.max(w0, r[0].length());
            w1 = Math.max(w1, r[1].length());
            w2 = Math.max(w2, r[2].length());
        }
        String fmt = "%-" + (w0 + 2) + "s%-" + (w1 + 2) + "s%" + w2 + "s%n";
        int width = w0 + w1 + w2 + 4;
        StringBuilder sb = new StringBuilder();
        sb.append("Model: \"").append(model.name()).append("\"\n");
        sb.append("=".repeat(width)).append('\n');
        sb.append(String.format(Locale.ROOT, fmt, "Layer (type)", "Output Shape", "Param #"));
        sb.append("=".repeat(width)).append('\n');
        for (String[] r : rows) sb.append(String.format(Locale.ROOT, fmt, r[0], r[1], r[2]));
        sb.append("=".repeat(width)).append('\n');
        sb.append(String.format(Locale.ROOT, "Total params: %,d%n", total));
        sb.append(String.format(Locale.ROOT, "Trainable params: %,d%n", trainable));
        sb.append(String.format(Locale.ROOT, "Non-trainable params: %,d%n", total - trainable));
        return sb.toString();
    }

    /** [None, 32] for a batch-first shape. */
    private static String describe(int[] shape) {
        String s = Shape.str(shape);
        return shape.length == 0 ? s : "[None" + s.substring(1 + String.valueOf(shape[0]).length());
    }
}
