package dev.nabla.train;

import dev.nabla.io.JsonFields;
import dev.nabla.nn.Fusions;
import dev.nabla.nn.Masks;
import dev.nabla.nn.Input;
import dev.nabla.nn.Layer;
import dev.nabla.nn.SymbolicTensor;
import dev.nabla.tensor.Shape;
import dev.nabla.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A model that is a graph of layer calls, as Keras's functional API; made by {@link Model#of}:
 *
 * <pre>{@code
 * SymbolicTensor x = Input.of("x", 4);
 * SymbolicTensor h = Dense.of(16, Activation.RELU).call(x);
 * SymbolicTensor y = Dense.of(3, Activation.SOFTMAX).call(new Add().call(h, Dense.of(16).call(h)));
 * Functional model = Model.of(x, y);          // compile / fit / evaluate / predict / save as any model
 * }</pre>
 *
 * The structure: {@link #inputs()} are symbolic tensors made by {@link Input#of}; {@link #nodes()} are the layer
 * calls that the outputs depend on, in topological order, each a {@link SymbolicTensor} whose
 * {@link SymbolicTensor#layer() layer} was called on its {@link SymbolicTensor#inputs() inputs} (input tensors or
 * earlier nodes); {@link #outputs()} are nodes (or inputs), each with a name ({@link #outputNames()}). Running the
 * model feeds the inputs, then applies each node's layer to the values of its inputs, in order. The model's
 * children are the distinct layers in order of first call; a layer called twice (shared) is one child, one set of
 * weights.
 */
public class Functional extends Model {

    private final List<SymbolicTensor> inputs;
    private final List<SymbolicTensor> nodes;
    private final List<String> outputNames;
    private final List<SymbolicTensor> outputs;
    /** Nodes run as one op with the node before them (see {@link #planFusions}), and those nodes, not run alone. */
    private final Map<SymbolicTensor, Fusions.Fused> fused = new IdentityHashMap<>();
    private final Set<SymbolicTensor> fusedAway = Collections.newSetFromMap(new IdentityHashMap<>());

    /**
     * The graph from {@code inputs} to {@code outputs}, the outputs named by the map's keys and ordered by name (as
     * Keras flattens a dict of outputs), whatever the map's own order.
     */
    public Functional(String name, List<SymbolicTensor> inputs, Map<String, SymbolicTensor> outputs) {
        this(name, inputs, new ArrayList<>(new TreeMap<>(outputs).keySet()), new ArrayList<>(new TreeMap<>(outputs).values()));
    }

    /** The graph from {@code inputs} to {@code outputs}, named {@code outputNames} (one each, in the same order). */
    public Functional(String name, List<SymbolicTensor> inputs, List<String> outputNames, List<SymbolicTensor> outputs) {
        super(name);
        if (inputs.isEmpty()) throw new IllegalArgumentException(name() + ": a model needs at least one input");
        if (outputs.isEmpty()) throw new IllegalArgumentException(name() + ": a model needs at least one output");
        if (outputNames.size() != outputs.size()) {
            throw new IllegalArgumentException(name() + ": " + outputs.size() + " outputs but " + outputNames.size() + " output names");
        }
        this.inputs = List.copyOf(inputs);
        this.outputNames = List.copyOf(outputNames);
        this.outputs = List.copyOf(outputs);
        checkInputsAndOutputNames();
        this.nodes = List.copyOf(topologicalOrder());
        Map<SymbolicTensor, Integer> uses = uses();
        checkEveryInputIsUsed(uses);
        for (Layer layer : distinctLayers()) addChild(layer);
        checkUniqueNames();
        planFusions(uses);
        buildFor(this.inputs.get(0).shapeWithBatch(1)); // the layers were built by call(); this marks the model built
    }

    private void checkInputsAndOutputNames() {
        Set<String> names = new LinkedHashSet<>();
        for (SymbolicTensor in : inputs) {
            if (!in.isInput()) throw new IllegalArgumentException(name() + ": " + in.name() + " is made by a layer, not an Input; a model's inputs come from Input.of");
            if (!names.add(in.name())) throw new IllegalArgumentException(name() + ": two inputs are named " + in.name());
        }
        Set<String> outs = new LinkedHashSet<>();
        for (String out : outputNames) {
            if (out == null || out.isBlank()) throw new IllegalArgumentException(name() + ": an output needs a name");
            if (!outs.add(out)) throw new IllegalArgumentException(name() + ": two outputs are named " + out + "; name them with Model.of(inputs, Map.of(name, output, ...))");
        }
    }

    /** The layer calls the outputs depend on, each after the calls it takes its inputs from. */
    private List<SymbolicTensor> topologicalOrder() {
        List<SymbolicTensor> order = new ArrayList<>();
        Set<SymbolicTensor> done = Collections.newSetFromMap(new IdentityHashMap<>());
        for (int i = 0; i < outputs.size(); i++) visit(outputs.get(i), outputNames.get(i), order, done);
        return order;
    }

    private void visit(SymbolicTensor t, String output, List<SymbolicTensor> order, Set<SymbolicTensor> done) {
        if (!done.add(t)) return; // the graph is acyclic by construction: a call's inputs exist before it
        if (t.isInput()) {
            if (!containsSame(inputs, t)) {
                throw new IllegalArgumentException(name() + ": output " + output + " depends on input " + t.name()
                        + ", which is not among the model's inputs " + names(inputs));
            }
            return;
        }
        for (SymbolicTensor in : t.inputs()) visit(in, output, order, done);
        order.add(t);
    }

    /** How many times each tensor is used: as an input of a node, or as an output. */
    private Map<SymbolicTensor, Integer> uses() {
        Map<SymbolicTensor, Integer> uses = new IdentityHashMap<>();
        for (SymbolicTensor out : outputs) uses.merge(out, 1, Integer::sum);
        for (SymbolicTensor node : nodes) for (SymbolicTensor in : node.inputs()) uses.merge(in, 1, Integer::sum);
        return uses;
    }

    private void checkEveryInputIsUsed(Map<SymbolicTensor, Integer> uses) {
        for (SymbolicTensor in : inputs) {
            if (!uses.containsKey(in)) throw new IllegalArgumentException(name() + ": no output depends on input " + in.name());
        }
    }

    /** Layer names are weight-name prefixes and node names are references in the model file: both must be unique. */
    private void checkUniqueNames() {
        Set<String> layerNames = new LinkedHashSet<>();
        for (Layer layer : children()) {
            if (!layerNames.add(layer.name())) throw new IllegalArgumentException(name() + ": two layers are named " + layer.name() + "; give them distinct names");
        }
        Set<String> tensorNames = new LinkedHashSet<>(names(inputs));
        for (SymbolicTensor node : nodes) {
            if (!tensorNames.add(node.name())) throw new IllegalArgumentException(name() + ": the name " + node.name() + " is both an input and a layer call");
        }
    }

    /**
     * A one-input node whose input is made by a one-input node used by nothing else (no other node, not an output)
     * runs the two layers as one op when {@link Fusions} has a rule for them: that value is never needed alone.
     */
    private void planFusions(Map<SymbolicTensor, Integer> uses) {
        for (SymbolicTensor node : nodes) {
            if (node.inputs().size() != 1) continue;
            SymbolicTensor producer = node.inputs().get(0);
            // A producer already fused with its own input is not run alone, so it cannot start another fusion.
            if (producer.isInput() || producer.inputs().size() != 1 || uses.get(producer) != 1 || fused.containsKey(producer)) continue;
            Fusions.Fused f = Fusions.of(producer.layer(), node.layer());
            if (f != null) {
                fused.put(node, f);
                fusedAway.add(producer);
            }
        }
    }

    private List<Layer> distinctLayers() {
        List<Layer> layers = new ArrayList<>();
        Set<Layer> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (SymbolicTensor node : nodes) if (seen.add(node.layer())) layers.add(node.layer());
        return layers;
    }

    private static boolean containsSame(List<SymbolicTensor> list, SymbolicTensor t) {
        for (SymbolicTensor s : list) if (s == t) return true;
        return false;
    }

    private static List<String> names(List<SymbolicTensor> tensors) {
        List<String> names = new ArrayList<>();
        for (SymbolicTensor t : tensors) names.add(t.name());
        return names;
    }

    public List<SymbolicTensor> inputs() {
        return inputs;
    }

    public List<String> inputNames() {
        return names(inputs);
    }

    /** The layer calls in the order they run. */
    public List<SymbolicTensor> nodes() {
        return nodes;
    }

    public List<SymbolicTensor> outputs() {
        return outputs;
    }

    public List<String> outputNames() {
        return outputNames;
    }

    /** The layers were built when they were called; nothing is left to build. */
    @Override
    protected void build(int[] inputShape) {
    }

    /** Seeds the model and its layers as {@link Layer#seed} does, then re-creates the layers' weights from the new seeds. */
    @Override
    public Functional seed(long seed) {
        super.seed(seed);
        for (Layer layer : children()) layer.reinitialize();
        return this;
    }

    /** One input, one output: what {@code fit}, {@code evaluate} and {@code predict} run. */
    @Override
    protected Tensor forward(Tensor x) {
        if (inputs.size() != 1 || outputs.size() != 1) {
            throw new IllegalArgumentException(name() + " has " + inputs.size() + " input(s) " + inputNames() + " and " + outputs.size()
                    + " output(s) " + outputNames + "; call apply(List) or apply(Map)");
        }
        return run(List.of(x)).get(0);
    }

    /** Several inputs, in the order of {@link #inputs()}, and one output. */
    @Override
    public Tensor apply(Tensor... values) {
        if (outputs.size() != 1) throw new IllegalArgumentException(name() + " has " + outputs.size() + " outputs " + outputNames + "; call apply(List) or apply(Map)");
        return apply(Arrays.asList(values)).get(0);
    }

    /** The outputs, in the order of {@link #outputNames()}, for the inputs in the order of {@link #inputs()}. */
    public List<Tensor> apply(List<Tensor> values) {
        if (values.size() != inputs.size()) {
            throw new IllegalArgumentException(name() + " takes " + inputs.size() + " input(s) " + inputNames() + ", got " + values.size());
        }
        return run(values);
    }

    /** The outputs by name for the inputs by name; every input must be given, and no other name. */
    public Map<String, Tensor> apply(Map<String, Tensor> values) {
        for (String given : values.keySet()) {
            if (!inputNames().contains(given)) throw new IllegalArgumentException(name() + ": unknown input " + given + " (the inputs are " + inputNames() + ")");
        }
        List<Tensor> ordered = new ArrayList<>();
        for (SymbolicTensor in : inputs) {
            Tensor v = values.get(in.name());
            if (v == null) throw new IllegalArgumentException(name() + ": missing input " + in.name() + " (the inputs are " + inputNames() + ")");
            ordered.add(v);
        }
        List<Tensor> results = run(ordered);
        Map<String, Tensor> byName = new LinkedHashMap<>();
        for (int i = 0; i < outputs.size(); i++) byName.put(outputNames.get(i), results.get(i));
        return byName;
    }

    /** The output shape for inputs of these shapes (batch first), when the model is used as a layer of another. */
    @Override
    public int[] outputShape(List<int[]> inputShapes) {
        if (outputs.size() != 1) throw new IllegalArgumentException(name() + " has " + outputs.size() + " outputs; a layer call takes one");
        List<Tensor> zeros = new ArrayList<>();
        for (int[] s : inputShapes) zeros.add(Tensor.zeros(s));
        return inInference(() -> apply(zeros).get(0).shape());
    }

    @Override
    public int[] outputShape(int[] inputShape) {
        return outputShape(List.of(inputShape));
    }

    private List<Tensor> run(List<Tensor> values) {
        Map<SymbolicTensor, Tensor> computed = new IdentityHashMap<>();
        Map<SymbolicTensor, Tensor> masks = new IdentityHashMap<>(); // padding masks of the values that have one (see Masks)
        for (int i = 0; i < inputs.size(); i++) computed.put(inputs.get(i), checkedInput(inputs.get(i), values.get(i)));
        for (SymbolicTensor node : nodes) {
            if (fusedAway.contains(node)) continue; // runs inside the one node it feeds
            Fusions.Fused f = fused.get(node);
            SymbolicTensor fusedInput = f != null ? node.inputs().get(0).inputs().get(0) : null;
            if (f != null && masks.get(fusedInput) == null) {
                computed.put(node, f.apply(computed.get(fusedInput)));
                continue;
            }
            if (f != null) { // a masked value: run the two layers one by one, so that the mask goes through both
                runNode(node.inputs().get(0), computed, masks);
            }
            runNode(node, computed, masks);
        }
        List<Tensor> results = new ArrayList<>();
        for (SymbolicTensor out : outputs) results.add(computed.get(out));
        return results;
    }

    private static void runNode(SymbolicTensor node, Map<SymbolicTensor, Tensor> computed, Map<SymbolicTensor, Tensor> masks) {
        Tensor[] args = new Tensor[node.inputs().size()];
        Tensor[] argMasks = new Tensor[args.length];
        for (int i = 0; i < args.length; i++) {
            args[i] = computed.get(node.inputs().get(i));
            argMasks[i] = masks.get(node.inputs().get(i));
        }
        Masks.Masked out = Masks.call(node.layer(), args, argMasks);
        computed.put(node, out.value());
        if (out.mask() != null) masks.put(node, out.mask());
    }

    /** Each sample must have the input's shape; the batch size is free. */
    private Tensor checkedInput(SymbolicTensor input, Tensor value) {
        int[] s = value.shape();
        if (s.length == 0 || !Arrays.equals(Arrays.copyOfRange(s, 1, s.length), input.shape())) {
            throw new IllegalArgumentException(name() + ": input " + input.name() + " expects " + input.shapeString().replace("None", "*")
                    + ", got " + Shape.str(s));
        }
        return value;
    }

    /**
     * The graph, for model files: the inputs (name, shape), each layer's config once, the nodes (the tensor's
     * name, the layer called, the names of the tensors it was called on) and the outputs (name, tensor).
     */
    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = super.config();
        List<Object> ins = new ArrayList<>();
        for (SymbolicTensor in : inputs) ins.add(entry("name", in.name(), "shape", boxed(in.shape())));
        List<Object> layers = new ArrayList<>();
        for (Layer l : children()) layers.add(l.config());
        List<Object> calls = new ArrayList<>();
        for (SymbolicTensor node : nodes) {
            Map<String, Object> n = new LinkedHashMap<>();
            n.put("name", node.name());
            n.put("layer", node.layer().name());
            n.put("inputs", names(node.inputs()));
            calls.add(n);
        }
        List<Object> outs = new ArrayList<>();
        for (int i = 0; i < outputs.size(); i++) outs.add(entry("name", outputNames.get(i), "tensor", outputs.get(i).name()));
        c.put("inputs", ins);
        c.put("layers", layers);
        c.put("nodes", calls);
        c.put("outputs", outs);
        return c;
    }

    /** A two-field object in this order (Map.of has none, and a model file's bytes should not vary). */
    private static Map<String, Object> entry(String k1, Object v1, String k2, Object v2) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(k1, v1);
        m.put(k2, v2);
        return m;
    }

    private static List<Integer> boxed(int[] shape) {
        List<Integer> l = new ArrayList<>();
        for (int d : shape) l.add(d);
        return l;
    }

    /** Rebuilds the graph {@link #config()} describes; {@code f} is the config, errors name its fields. */
    static Functional fromConfig(JsonFields f) {
        Map<String, SymbolicTensor> tensors = new LinkedHashMap<>();
        List<SymbolicTensor> ins = new ArrayList<>();
        for (int i = 0; i < f.requireList("inputs").size(); i++) {
            JsonFields in = f.element("inputs", i);
            String name = in.requireString("name");
            if (tensors.containsKey(name)) throw in.error("name", "the name \"" + name + "\" is used twice");
            SymbolicTensor t = Input.of(name, in.requirePositiveShape("shape"));
            tensors.put(name, t);
            ins.add(t);
        }
        Map<String, Layer> layers = new LinkedHashMap<>();
        for (int i = 0; i < f.requireList("layers").size(); i++) {
            JsonFields lf = f.element("layers", i);
            Layer layer = Models.layerFromConfig(lf);
            if (layers.put(layer.name(), layer) != null) throw lf.error("name", "two layers are named \"" + layer.name() + "\"");
        }
        Set<String> called = new LinkedHashSet<>();
        for (int i = 0; i < f.requireList("nodes").size(); i++) {
            JsonFields n = f.element("nodes", i);
            String name = n.requireString("name");
            if (tensors.containsKey(name)) throw n.error("name", "the name \"" + name + "\" is used twice");
            String layerName = n.requireString("layer");
            Layer layer = layers.get(layerName);
            if (layer == null) throw n.error("layer", "unknown layer \"" + layerName + "\" (the layers are " + layers.keySet() + ")");
            List<?> refs = n.requireList("inputs");
            SymbolicTensor[] args = new SymbolicTensor[refs.size()];
            for (int k = 0; k < args.length; k++) args[k] = tensor(n, "inputs[" + k + "]", refs.get(k), tensors);
            try {
                tensors.put(name, layer.call(args));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(n.where() + ": " + e.getMessage(), e);
            }
            called.add(layerName);
        }
        for (String layerName : layers.keySet()) {
            if (!called.contains(layerName)) throw f.error("layers", "layer \"" + layerName + "\" is called by no node");
        }
        List<String> outNames = new ArrayList<>();
        List<SymbolicTensor> outs = new ArrayList<>();
        for (int i = 0; i < f.requireList("outputs").size(); i++) {
            JsonFields o = f.element("outputs", i);
            outNames.add(o.requireString("name"));
            outs.add(tensor(o, "tensor", o.map().get("tensor"), tensors));
        }
        try {
            return new Functional(f.optionalString("name", null), ins, outNames, outs);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(f.where() + ": " + e.getMessage(), e);
        }
    }

    private static SymbolicTensor tensor(JsonFields f, String key, Object ref, Map<String, SymbolicTensor> tensors) {
        if (!(ref instanceof String name)) throw f.error(key, "expected the name of a tensor, got " + JsonFields.show(ref));
        SymbolicTensor t = tensors.get(name);
        if (t == null) throw f.error(key, "unknown tensor \"" + name + "\" (the inputs and the earlier nodes are " + tensors.keySet() + ")");
        return t;
    }
}
