package dev.nabla.train;

import dev.nabla.io.SafeTensors;
import dev.nabla.nn.Bidirectional;
import dev.nabla.nn.Dense;
import dev.nabla.nn.Layer;
import dev.nabla.nn.Recurrent;
import dev.nabla.nn.SymbolicTensor;
import dev.nabla.nn.Weight;
import dev.nabla.tensor.Shape;
import dev.nabla.tensor.Tensor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Loads a PyTorch {@code state_dict} saved with {@code safetensors.torch.save_file} into a built Nabla model, as
 * {@code model.load_state_dict(sd, strict=True)} would: every tensor of the file sets one weight and every weight
 * is set, else nothing is changed and the error lists the names on both sides that found no partner and the
 * shapes that differ.
 *
 * <p>Names: a layer is the PyTorch module of its own name ({@code fc1}, {@code features.0} if the layer is named so),
 * or of the module path the {@code modules} map gives for it ({@code "features.0" -> "conv1"}). Its weights are the
 * module's parameters: Dense {@code kernel} [in, out] is Linear {@code weight} [out, in], transposed; Conv1D/Conv2D
 * {@code kernel} is {@code weight} as it is; BatchNormalization {@code gamma, beta, moving_mean, moving_variance}
 * are {@code weight, bias, running_mean, running_var} ({@code num_batches_tracked} is ignored); LayerNormalization
 * {@code gamma, beta} and the Embeddings' {@code embeddings} {@code weight} and {@code bias}; SimpleRNN / LSTM / GRU
 * {@code weight_ih, weight_hh, bias_ih, bias_hh} are {@code weight_ih_l0} ... (a layer whose module is
 * {@code lstm_l1} is layer 1 of the stacked module {@code lstm}: {@code lstm.weight_ih_l1}), a Bidirectional's two
 * halves {@code ..._l0} and {@code ..._l0_reverse}; MultiHeadAttention {@code in_proj_weight, in_proj_bias} as they
 * are and {@code out_proj_weight, out_proj_bias} {@code out_proj.weight, out_proj.bias}; the Transformer layers'
 * parts {@code self_attn/...}, {@code linear1/weight}, {@code norm1/gamma} ... their PyTorch paths
 * {@code self_attn.in_proj_weight}, {@code linear1.weight}, {@code norm1.weight}.
 *
 * <pre>{@code
 * Sequential model = Sequential.of(new Dense("fc1", 16, Activation.RELU, Initializers.glorotUniform(), Initializers.zeros(), true),
 *         new Dense("fc2", 3, Activation.LINEAR, Initializers.glorotUniform(), Initializers.zeros(), true));
 * model.buildFor(1, 4);
 * Path file = Path.of("state.safetensors");   // Python: save_file(net.state_dict(), "state.safetensors")
 * if (Files.exists(file)) model.loadPytorchWeights(file);   // fc1.weight [16, 4], fc1.bias, fc2.weight, fc2.bias
 * // the modules of an nn.Sequential are "0", "1", ...: model.loadPytorchWeights(file, Map.of("0", "fc1", "2", "fc2"))
 * }</pre>
 */
public final class PytorchWeights {

    private static final Pattern STACKED = Pattern.compile("(.+)_l(\\d+)");

    private PytorchWeights() {}

    /** Where one PyTorch tensor goes: a weight, transposed (a Dense kernel) or as it is. */
    private record Target(Weight weight, boolean transposed) {
        int[] pytorchShape() {
            int[] s = weight.value().shape();
            return transposed ? new int[] {s[1], s[0]} : s;
        }
    }

    /** Loads {@code file} into {@code model}; {@code modules} maps PyTorch module paths to layer names (may be empty). */
    public static void load(Model model, Path file, Map<String, String> modules) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        String source = file.getFileName().toString();
        Map<String, Tensor> tensors = SafeTensors.read(bytes, source, name -> name.endsWith("num_batches_tracked"));
        if (model.weights().isEmpty()) {
            throw new IllegalArgumentException(source + ": model " + model.name() + " is not built yet; call buildFor(inputShape) before loading weights");
        }
        Map<String, Target> targets = targets(model, modules, source);
        check(source, model.name(), tensors, targets, modules.isEmpty());
        for (Map.Entry<String, Target> e : targets.entrySet()) {
            Target t = e.getValue();
            float[] from = tensors.get(e.getKey()).data(), into = t.weight().value().data();
            if (!t.transposed()) {
                System.arraycopy(from, 0, into, 0, into.length);
                continue;
            }
            int in = t.weight().value().dim(0), out = t.weight().value().dim(1);
            for (int o = 0; o < out; o++) for (int i = 0; i < in; i++) into[i * out + o] = from[o * in + i];
        }
    }

    /** Every weight of the model under its PyTorch name. */
    private static Map<String, Target> targets(Model model, Map<String, String> modules, String source) {
        Map<String, String> moduleOf = new LinkedHashMap<>();
        modules.forEach((module, layer) -> {
            if (moduleOf.put(layer, module) != null) throw new IllegalArgumentException(source + ": two modules map to layer " + layer);
        });
        Set<String> layerNames = new TreeSet<>();
        Map<String, Target> targets = new LinkedHashMap<>();
        for (Layer layer : layers(model)) {
            layerNames.add(layer.name());
            String module = moduleOf.getOrDefault(layer.name(), layer.name());
            if (layer instanceof Bidirectional bi) {
                recurrent(targets, bi.forwardLayer(), module, "");
                recurrent(targets, bi.backwardLayer(), module, "_reverse");
            } else if (layer instanceof Recurrent r) {
                recurrent(targets, r, module, "");
            } else {
                for (Weight w : layer.weights()) {
                    String local = w.name().substring(layer.name().length() + 1);
                    targets.put(module + "." + pytorchPath(local), new Target(w, layer instanceof Dense && local.equals("kernel")));
                }
            }
        }
        Set<String> unknown = new TreeSet<>(moduleOf.keySet());
        unknown.removeAll(layerNames);
        if (!unknown.isEmpty()) throw new IllegalArgumentException(source + ": the module map names layers the model does not have: " + unknown + "; its layers: " + layerNames);
        return targets;
    }

    /** weight_ih ... of a recurrent layer: {@code <module>.weight_ih_l<k><suffix>}, k from a module named {@code <m>_l<k>}. */
    private static void recurrent(Map<String, Target> targets, Recurrent r, String module, String suffix) {
        Matcher m = STACKED.matcher(module);
        String base = m.matches() ? m.group(1) : module, k = m.matches() ? m.group(2) : "0";
        for (Weight w : r.weights()) {
            String local = w.name().substring(w.name().lastIndexOf('/') + 1);
            targets.put(base + "." + local + "_l" + k + suffix, new Target(w, false));
        }
    }

    /** A weight's path inside its layer in PyTorch's words: {@code norm1/gamma} is {@code norm1.weight}. */
    private static String pytorchPath(String local) {
        String[] parts = local.split("/");
        String leaf = parts[parts.length - 1];
        parts[parts.length - 1] = switch (leaf) {
            case "kernel", "gamma", "embeddings" -> "weight";
            case "beta" -> "bias";
            case "moving_mean" -> "running_mean";
            case "moving_variance" -> "running_var";
            case "out_proj_weight" -> "out_proj.weight";
            case "out_proj_bias" -> "out_proj.bias";
            default -> leaf;
        };
        return String.join(".", parts);
    }

    /** The layers with weights, each once, in model order; models used as layers are opened. */
    static List<Layer> layers(Model model) {
        Set<Layer> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Layer> out = new ArrayList<>();
        collect(model, seen, out);
        return out;
    }

    private static void collect(Model model, Set<Layer> seen, List<Layer> out) {
        List<Layer> direct = new ArrayList<>();
        if (model instanceof Sequential s) direct.addAll(s.layers());
        else if (model instanceof Functional f) for (SymbolicTensor t : f.nodes()) if (t.layer() != null) direct.add(t.layer());
        for (Layer l : direct) {
            if (!seen.add(l)) continue;
            if (l instanceof Model inner) collect(inner, seen, out);
            else if (!l.weights().isEmpty()) out.add(l);
        }
    }

    /** Refuses, in one line, a file whose names or shapes do not all match the model's. */
    private static void check(String source, String model, Map<String, Tensor> tensors, Map<String, Target> targets, boolean noMap) {
        Set<String> extra = new TreeSet<>(tensors.keySet());
        extra.removeAll(targets.keySet());
        List<String> missing = new ArrayList<>(), shapes = new ArrayList<>();
        targets.forEach((name, t) -> {
            Tensor v = tensors.get(name);
            if (v == null) missing.add(t.weight().name() + " (as " + name + ")");
            else if (!Arrays.equals(v.shape(), t.pytorchShape())) {
                shapes.add(name + " is " + Shape.str(v.shape()) + ", " + t.weight().name() + " needs " + Shape.str(t.pytorchShape())
                        + (t.transposed() ? " (its [in, out] kernel transposed)" : ""));
            }
        });
        if (extra.isEmpty() && missing.isEmpty() && shapes.isEmpty()) return;
        List<String> parts = new ArrayList<>();
        if (!extra.isEmpty()) parts.add(extra.size() + " PyTorch tensor(s) match no weight: " + extra);
        if (!missing.isEmpty()) parts.add(missing.size() + " weight(s) have no tensor: " + missing);
        if (!shapes.isEmpty()) parts.add("shapes differ: " + String.join("; ", shapes));
        throw new IllegalArgumentException(source + " does not fit model " + model + ", nothing was loaded: " + String.join("; ", parts)
                + (noMap && !extra.isEmpty() ? " (name the layers as the PyTorch modules, or map module paths to layer names)" : ""));
    }
}
