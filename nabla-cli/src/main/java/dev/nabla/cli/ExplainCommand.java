package dev.nabla.cli;

import dev.nabla.explain.Explainer;
import dev.nabla.explain.Explanation;
import dev.nabla.explain.ExplanationFormat;
import dev.nabla.explain.GraphExport;
import dev.nabla.io.AtomicFiles;
import dev.nabla.nn.Activation;
import dev.nabla.nn.Dense;
import dev.nabla.nn.Initializers;
import dev.nabla.nn.Weight;
import dev.nabla.tensor.Tensor;
import dev.nabla.train.Model;
import dev.nabla.train.ModelFile;
import dev.nabla.train.SavedModel;
import dev.nabla.train.Sequential;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

@Command(name = "explain", description = {"Walk through backpropagation number by number.",
        "Shows the forward pass, each op's local derivative and what it passes back, every parameter's gradient and one update.",
        "WHAT is a preset (neuron, layer, xor) or a saved model file (with --input)."})
final class ExplainCommand implements Runnable {

    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "WHAT", defaultValue = "neuron", description = "neuron (default), layer, xor, or a model file.")
    String what;

    @Option(names = "--input", description = "For a model file: one input row, comma-separated (a model of a CSV table: the raw cells of its columns, in training order).")
    String input;

    @Option(names = "--target", description = "For a model file: the row's target (class index or value); explains the loss. Without it, the sum of the outputs.")
    Float target;

    @Option(names = "--lr", description = "Learning rate of the update shown (default: 0.001).")
    float lr = 0.001f;

    @Option(names = "--format", description = "text (default), markdown or json.")
    String format = "text";

    @Option(names = "--graph", description = "Also write the graph as FILE.dot and FILE.mmd (and FILE.svg when Graphviz is installed).")
    Path graph;

    /** The computation to explain: how to compute it, the names to print, the parameters to update. */
    private record Subject(String title, Supplier<Tensor> forward, Map<Tensor, String> names, List<Tensor> parameters) {}

    @Override
    public void run() {
        Subject s = subject();
        Explanation e = Explainer.explain(s.title(), s.forward(), s.names(), s.parameters(), lr);
        PrintWriter out = spec.commandLine().getOut();
        switch (format.toLowerCase(Locale.ROOT)) {
            case "text": out.print(ExplanationFormat.text(e)); break;
            case "markdown": case "md": out.print(ExplanationFormat.markdown(e)); break;
            case "json": out.println(ExplanationFormat.json(e)); break;
            default: throw new IllegalArgumentException("--format: expected text, markdown or json, got '" + format + "'");
        }
        if (graph != null) writeGraph(s, out);
        out.flush();
    }

    private void writeGraph(Subject s, PrintWriter out) {
        Tensor root = s.forward().get();
        Path dot = Path.of(graph + ".dot"), mmd = Path.of(graph + ".mmd");
        AtomicFiles.write(dot, GraphExport.dot(root, s.names()).getBytes(StandardCharsets.UTF_8));
        AtomicFiles.write(mmd, GraphExport.mermaid(root, s.names()).getBytes(StandardCharsets.UTF_8));
        out.println("\nWrote " + dot + " and " + mmd + renderSvg(dot));
    }

    /** Renders with Graphviz's dot when it is installed. */
    private String renderSvg(Path dot) {
        Path svg = Path.of(graph + ".svg");
        try {
            Process p = new ProcessBuilder("dot", "-Tsvg", dot.toString(), "-o", svg.toString()).redirectErrorStream(true).start();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0 ? " and " + svg : "";
        } catch (IOException e) {
            return " (install Graphviz to render them: dot -Tsvg " + dot + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private Subject subject() {
        switch (what.toLowerCase(Locale.ROOT)) {
            case "neuron": {
                Tensor x = Tensor.vector(1, -2, 3).requiresGrad(true);
                Tensor w = Tensor.vector(-3, -1, 2).requiresGrad(true);
                Tensor b = Tensor.scalar(1).requiresGrad(true);
                return new Subject("one ReLU neuron, relu(w . x + b)", () -> w.mul(x).sum().add(b).relu(), names(x, "x", w, "w", b, "b"), List.of(w, b));
            }
            case "layer": {
                Tensor x = Tensor.of(new float[][] {{1, 2, 3, 2.5f}, {2, 5, -1, 2}, {-1.5f, 2.7f, 3.3f, -0.8f}});
                Tensor w = Tensor.of(new float[][] {{0.2f, 0.8f, -0.5f, 1}, {0.5f, -0.91f, 0.26f, -0.5f}, {-0.26f, -0.27f, 0.17f, 0.87f}})
                        .t().copy().requiresGrad(true);
                Tensor b = Tensor.of(new float[][] {{2, 3, 0.5f}}).requiresGrad(true);
                return new Subject("a layer of 3 ReLU neurons on 3 samples (gradient of the sum of outputs, i.e. ones from above)",
                        () -> x.matmul(w).add(b).relu(), names(x, "X", w, "W", b, "b"), List.of(w, b));
            }
            case "xor": {
                Sequential m = Sequential.of(new Dense(null, 3, Activation.SIGMOID, Initializers.uniform(-1, 1), Initializers.uniform(-1, 1), true),
                        new Dense(null, 1, Activation.SIGMOID, Initializers.uniform(-1, 1), Initializers.uniform(-1, 1), true));
                m.seed(1);
                m.buildFor(1, 2);
                Tensor x = Tensor.of(new float[][] {{1, 0}}), y = Tensor.of(new float[][] {{1}});
                return modelSubject("the XOR network 2-3-1 (sigmoid) on the row (1, 0) with target 1, loss (y - a)^2 / 2", m, x,
                        () -> m.apply(x).sub(y).square().mul(0.5f).sum());
            }
            default:
                return fileSubject();
        }
    }

    private Subject fileSubject() {
        Path file = Path.of(what);
        SavedModel saved = ModelFile.load(file);
        if (input == null) throw new IllegalArgumentException("explain " + what + ": give one input row with --input, e.g. --input 5.1,3.5,1.4,0.2");
        Model m = saved.model();
        if (m.inputNames().size() > 1 || (target != null && m.outputNames().size() > 1)) {
            throw GraphModels.refusal("explain", file, m, "explain takes one --input row and supports one input and one output"
                    + " (several outputs only without --target, explaining the sum of the outputs)");
        }
        Preprocessing pre = Preprocessing.of(saved);
        // A table's model reads the row as the CSV had it (its columns, raw cells); others read numbers.
        Tensor x = pre.table() != null ? TableData.row(pre, input) : pre.apply(new dev.nabla.data.Dataset(numbers(input), Tensor.zeros(1))).x();
        m.setTraining(false);
        if (target != null && m.loss() != null) {
            Tensor y = pre.task() == Tasks.Task.CLASSIFICATION ? Tensor.vector(target) : Tensor.of(new float[] {target}, 1, 1);
            return modelSubject(what + " on one row, loss " + m.loss().name() + " against target " + target, m, x, () -> m.loss().apply(y, m.apply(x)));
        }
        if (m.outputNames().size() > 1) {
            return modelSubject(what + " on one row (gradient of the sum of the outputs " + String.join(", ", m.outputNames()) + ")", m, x,
                    () -> sumOfOutputs(m, x));
        }
        return modelSubject(what + " on one row (gradient of the sum of the outputs)", m, x, () -> m.apply(x));
    }

    /** --input as one row of numbers, [1, values]. */
    private static Tensor numbers(String input) {
        String[] parts = input.split(",");
        float[] row = new float[parts.length];
        for (int i = 0; i < row.length; i++) {
            try {
                row[i] = Float.parseFloat(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--input: value " + (i + 1) + " '" + parts[i] + "' is not a number");
            }
        }
        return Tensor.of(row, 1, row.length);
    }

    /** The sum of every element of every output, one scalar to differentiate. */
    private static Tensor sumOfOutputs(Model m, Tensor x) {
        Tensor total = null;
        for (Tensor out : m.apply(List.of(x))) total = total == null ? out.sum() : total.add(out.sum());
        return total;
    }

    private static Subject modelSubject(String title, Model m, Tensor x, Supplier<Tensor> forward) {
        Map<Tensor, String> names = new IdentityHashMap<>();
        names.put(x, "x");
        List<Tensor> params = new ArrayList<>();
        for (Weight w : m.weights()) {
            names.put(w.value(), w.name());
            if (w.trainable()) params.add(w.value());
        }
        return new Subject(title, forward, names, params);
    }

    private static Map<Tensor, String> names(Object... pairs) {
        Map<Tensor, String> m = new IdentityHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) m.put((Tensor) pairs[i], (String) pairs[i + 1]);
        return m;
    }
}
