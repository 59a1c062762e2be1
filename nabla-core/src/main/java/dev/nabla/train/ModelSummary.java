package dev.nabla.train;

import dev.nabla.nn.Layer;
import dev.nabla.nn.SymbolicTensor;
import dev.nabla.tensor.Shape;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders {@link Model#summary()}: one row per layer with its output shape (batch shown as "None", as Keras) and
 * parameter count, then total / trainable / non-trainable parameters. A {@link Functional} model's table also
 * lists its inputs and, for each layer, the tensors it is connected to (its inputs), as Keras does.
 */
final class ModelSummary {

    private ModelSummary() {}

    static String of(Model model) {
        if (!model.isBuilt()) {
            throw new IllegalStateException(model.name() + ".summary: the model is not built yet; call buildFor(inputShape) or fit it first");
        }
        List<String[]> rows = model instanceof Functional graph ? graphRows(graph) : layerRows(model);
        String[] header = rows.get(0);
        int columns = header.length;
        int[] w = new int[columns];
        for (String[] r : rows) for (int i = 0; i < columns; i++) w[i] = Math.max(w[i], r[i].length());
        int width = 2 * (columns - 1);
        for (int c : w) width += c;
        long total = model.parameterCount();
        long trainable = model.trainableParameterCount();
        StringBuilder sb = new StringBuilder();
        sb.append("Model: \"").append(model.name()).append("\"\n");
        sb.append("=".repeat(width)).append('\n');
        sb.append(row(header, w)).append('\n');
        sb.append("=".repeat(width)).append('\n');
        for (String[] r : rows.subList(1, rows.size())) sb.append(row(r, w)).append('\n');
        sb.append("=".repeat(width)).append('\n');
        sb.append(String.format(Locale.ROOT, "Total params: %,d%n", total));
        sb.append(String.format(Locale.ROOT, "Trainable params: %,d%n", trainable));
        sb.append(String.format(Locale.ROOT, "Non-trainable params: %,d%n", total - trainable));
        return sb.toString();
    }

    /** The header, then one row per child; output shapes are known when the layers form a chain (Sequential). */
    private static List<String[]> layerRows(Model model) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"Layer (type)", "Output Shape", "Param #"});
        int[] shape = model.inputShape();
        boolean chained = model instanceof Sequential;
        for (Layer layer : model.children()) {
            String out = "?";
            if (chained && shape != null) {
                shape = layer.outputShape(shape);
                out = describe(shape);
            }
            rows.add(new String[] {layer.name() + " (" + layer.type() + ")", out, params(layer)});
        }
        return rows;
    }

    /** The inputs, then each layer once: its output shape ("multiple" for a shared layer whose calls differ), the tensors it takes. */
    private static List<String[]> graphRows(Functional model) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"Layer (type)", "Output Shape", "Param #", "Connected to"});
        for (SymbolicTensor in : model.inputs()) rows.add(new String[] {in.name() + " (Input)", in.shapeString(), "0", "-"});
        Map<Layer, List<SymbolicTensor>> calls = new LinkedHashMap<>();
        for (SymbolicTensor node : model.nodes()) calls.computeIfAbsent(node.layer(), k -> new ArrayList<>()).add(node);
        for (Map.Entry<Layer, List<SymbolicTensor>> e : calls.entrySet()) {
            Layer layer = e.getKey();
            String shape = e.getValue().get(0).shapeString();
            List<String> sources = new ArrayList<>();
            for (SymbolicTensor node : e.getValue()) {
                if (!Arrays.equals(node.shape(), e.getValue().get(0).shape())) shape = "multiple";
                for (SymbolicTensor in : node.inputs()) sources.add(in.name());
            }
            rows.add(new String[] {layer.name() + " (" + layer.type() + ")", shape, params(layer), String.join(", ", sources)});
        }
        return rows;
    }

    private static String params(Layer layer) {
        return String.format(Locale.ROOT, "%,d", layer.parameterCount());
    }

    /** Columns padded to their widths, two spaces apart; the parameter count (third) right-aligned, no trailing blanks. */
    private static String row(String[] cells, int[] w) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            boolean last = i == cells.length - 1;
            if (i == 2) sb.append(" ".repeat(w[i] - cells[i].length())).append(cells[i]);
            else sb.append(cells[i]).append(last ? "" : " ".repeat(w[i] - cells[i].length()));
            if (!last) sb.append("  ");
        }
        return sb.toString();
    }

    /** [None, 32] for a batch-first shape. */
    private static String describe(int[] shape) {
        String s = Shape.str(shape);
        return shape.length == 0 ? s : "[None" + s.substring(1 + String.valueOf(shape[0]).length());
    }
}
