package dev.nabla.onnx;

import dev.nabla.nn.Activation;
import dev.nabla.nn.ActivationLayer;
import dev.nabla.nn.Add;
import dev.nabla.nn.Dense;
import dev.nabla.nn.Layer;
import dev.nabla.nn.LayerNormalization;
import dev.nabla.nn.MultiHeadAttention;
import dev.nabla.nn.SymbolicTensor;
import dev.nabla.nn.TransformerEncoderLayer;
import dev.nabla.nn.Weight;
import dev.nabla.train.Functional;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Folds the layers an imported encoder layer becomes (LayerNormalization, MultiHeadAttention, Add, Dense, GELU or
 * ReLU, Dense, Add, in PyTorch's pre-LN or post-LN order) into one {@link TransformerEncoderLayer} with the same
 * weights: the model then reads as the PyTorch module it was, and fine-tunes, saves and exports as Nabla's layer.
 * A group matches only when every inner tensor is read by the next layer of the group alone; anything else stays
 * as it is.
 */
final class EncoderLayers {

    private EncoderLayers() {}

    /** One matched encoder: its input, its output, the layers, and the inner nodes it replaces. */
    private record Match(SymbolicTensor input, SymbolicTensor output, boolean normFirst, LayerNormalization norm1, LayerNormalization norm2,
                         MultiHeadAttention attention, Dense linear1, Activation activation, Dense linear2, Set<SymbolicTensor> inner) {}

    /** {@code model} with its encoder-layer groups folded; {@code model} itself when there are none. */
    static Functional fold(Functional model) {
        Map<SymbolicTensor, List<SymbolicTensor>> readers = readers(model);
        Map<SymbolicTensor, Match> byOutput = new IdentityHashMap<>();
        Set<SymbolicTensor> replaced = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        Map<Layer, Integer> calls = new IdentityHashMap<>();
        for (SymbolicTensor node : model.nodes()) if (node.layer() != null) calls.merge(node.layer(), 1, Integer::sum);
        for (SymbolicTensor node : model.nodes()) {
            if (replaced.contains(node)) continue;
            Match pre = preLn(node, readers), m = pre != null ? pre : postLn(node, readers);
            // a shared layer (called elsewhere too) would be untied by the copy; an inner tensor that is an output would vanish
            if (m == null || m.inner().stream().anyMatch(t -> model.outputs().contains(t) && t != m.output() || calls.get(t.layer()) != 1)) continue;
            byOutput.put(m.output(), m);
            replaced.addAll(m.inner());
        }
        if (byOutput.isEmpty()) return model;
        Map<SymbolicTensor, SymbolicTensor> now = new IdentityHashMap<>();
        for (SymbolicTensor in : model.inputs()) now.put(in, in);
        Set<String> names = new HashSet<>();
        for (SymbolicTensor node : model.nodes()) if (node.layer() != null) names.add(node.layer().name());
        for (SymbolicTensor node : model.nodes()) {
            Match m = byOutput.get(node);
            if (m != null) {
                now.put(node, encoder(m, names).call(now.get(m.input())));
            } else if (!replaced.contains(node) && node.layer() != null) {
                SymbolicTensor[] ins = node.inputs().stream().map(now::get).toArray(SymbolicTensor[]::new);
                now.put(node, node.layer().call(ins));
            }
        }
        List<SymbolicTensor> outs = new ArrayList<>();
        for (SymbolicTensor out : model.outputs()) outs.add(now.get(out));
        return new Functional(model.name(), model.inputs(), model.outputNames(), outs);
    }

    private static Map<SymbolicTensor, List<SymbolicTensor>> readers(Functional model) {
        Map<SymbolicTensor, List<SymbolicTensor>> readers = new IdentityHashMap<>();
        for (SymbolicTensor node : model.nodes()) for (SymbolicTensor in : node.inputs()) readers.computeIfAbsent(in, k -> new ArrayList<>()).add(node);
        return readers;
    }

    /** x + attn(norm1(x)), then h + ff(norm2(h)), {@code node} being the first Add. */
    private static Match preLn(SymbolicTensor add1, Map<SymbolicTensor, List<SymbolicTensor>> readers) {
        if (!(add1.layer() instanceof Add) || add1.inputs().size() != 2) return null;
        for (int side = 0; side < 2; side++) {
            SymbolicTensor x = add1.inputs().get(1 - side), att = add1.inputs().get(side);
            SymbolicTensor n1 = only(att, MultiHeadAttention.class);
            if (n1 == null || !(n1.layer() instanceof LayerNormalization) || n1.inputs().get(0) != x || !readBy(n1, readers, att)
                    || !readBy(att, readers, add1)) continue;
            List<SymbolicTensor> next = readers.getOrDefault(add1, List.of());
            if (next.size() != 2) continue;
            for (SymbolicTensor add2 : next) {
                SymbolicTensor n2 = next.get(0) == add2 ? next.get(1) : next.get(0);
                if (!(add2.layer() instanceof Add) || add2.inputs().size() != 2 || !(n2.layer() instanceof LayerNormalization)) continue;
                SymbolicTensor ffOut = add2.inputs().get(0) == add1 ? add2.inputs().get(1) : add2.inputs().get(0);
                SymbolicTensor[] ff = feedForward(ffOut, n2, readers);
                if (ff == null || !readBy(ffOut, readers, add2) || !readBy(n2, readers, ff[0])) continue;
                Match m = match(x, add2, true, n1, n2, att, ff, Set.of(n1, att, add1, n2, ff[0], ff[1], ff[2], add2));
                if (m != null) return m;
            }
        }
        return null;
    }

    /** norm1(x + attn(x)), then norm2(h + ff(h)), {@code node} being the first Add. */
    private static Match postLn(SymbolicTensor add1, Map<SymbolicTensor, List<SymbolicTensor>> readers) {
        if (!(add1.layer() instanceof Add) || add1.inputs().size() != 2) return null;
        for (int side = 0; side < 2; side++) {
            SymbolicTensor x = add1.inputs().get(1 - side), att = add1.inputs().get(side);
            if (!(att.layer() instanceof MultiHeadAttention) || att.inputs().size() != 1 || att.inputs().get(0) != x || !readBy(att, readers, add1)) continue;
            List<SymbolicTensor> afterAdd = readers.getOrDefault(add1, List.of());
            if (afterAdd.size() != 1 || !(afterAdd.get(0).layer() instanceof LayerNormalization)) continue;
            SymbolicTensor n1 = afterAdd.get(0);
            for (SymbolicTensor add2 : readers.getOrDefault(n1, List.of())) {
                if (!(add2.layer() instanceof Add) || add2.inputs().size() != 2 || readers.get(n1).size() != 2) continue;
                SymbolicTensor ffOut = add2.inputs().get(0) == n1 ? add2.inputs().get(1) : add2.inputs().get(0);
                SymbolicTensor[] ff = feedForward(ffOut, n1, readers);
                List<SymbolicTensor> afterAdd2 = readers.getOrDefault(add2, List.of());
                if (ff == null || !readBy(ffOut, readers, add2) || afterAdd2.size() != 1 || !(afterAdd2.get(0).layer() instanceof LayerNormalization)) continue;
                SymbolicTensor n2 = afterAdd2.get(0);
                Match m = match(x, n2, false, n1, n2, att, ff, Set.of(att, add1, n1, ff[0], ff[1], ff[2], add2, n2));
                if (m != null) return m;
            }
        }
        return null;
    }

    /** linear2(act(linear1(from))) ending at {@code out}: {linear1, act, linear2}, each read only by the next; null otherwise. */
    private static SymbolicTensor[] feedForward(SymbolicTensor out, SymbolicTensor from, Map<SymbolicTensor, List<SymbolicTensor>> readers) {
        SymbolicTensor act = only(out, Dense.class);
        SymbolicTensor d1 = act == null || !(act.layer() instanceof ActivationLayer) ? null : act.inputs().get(0);
        if (d1 == null || !(d1.layer() instanceof Dense) || d1.inputs().get(0) != from || !readBy(d1, readers, act) || !readBy(act, readers, out)) return null;
        return new SymbolicTensor[] {d1, act, out};
    }

    /** The single input of {@code node} when its layer is a {@code type}, else null. */
    private static SymbolicTensor only(SymbolicTensor node, Class<? extends Layer> type) {
        return type.isInstance(node.layer()) && node.inputs().size() == 1 ? node.inputs().get(0) : null;
    }

    private static boolean readBy(SymbolicTensor t, Map<SymbolicTensor, List<SymbolicTensor>> readers, SymbolicTensor reader) {
        List<SymbolicTensor> r = readers.getOrDefault(t, List.of());
        return r.size() == 1 && r.get(0) == reader;
    }

    /** The sizes agree with one TransformerEncoderLayer (self-attention, d = heads * keyDim, linear layers, equal epsilons). */
    private static Match match(SymbolicTensor x, SymbolicTensor out, boolean normFirst, SymbolicTensor n1, SymbolicTensor n2, SymbolicTensor att,
                               SymbolicTensor[] ff, Set<SymbolicTensor> inner) {
        MultiHeadAttention a = (MultiHeadAttention) att.layer();
        Dense l1 = (Dense) ff[0].layer(), l2 = (Dense) ff[2].layer();
        Activation act = ((ActivationLayer) ff[1].layer()).activation();
        int[] s = x.shape();
        LayerNormalization norm1 = (LayerNormalization) n1.layer(), norm2 = (LayerNormalization) n2.layer();
        boolean ok = s.length == 2 && !a.causal() && a.embedDim() == s[1] && l1.activation() == Activation.LINEAR && l2.activation() == Activation.LINEAR
                && l2.units() == s[1] && (act == Activation.GELU || act == Activation.RELU) && epsilon(norm1) == epsilon(norm2)
                && norm1 != norm2;
        return ok ? new Match(x, out, normFirst, norm1, norm2, a, l1, act, l2, inner) : null;
    }

    private static double epsilon(LayerNormalization norm) {
        return ((Number) norm.config().get("epsilon")).doubleValue();
    }

    /** The encoder layer with the group's weights, named after the attention's module ({@code enc.self_attn} -> {@code enc}). */
    private static TransformerEncoderLayer encoder(Match m, Set<String> names) {
        String base = m.attention().name().endsWith(".self_attn") ? m.attention().name().substring(0, m.attention().name().length() - ".self_attn".length())
                : m.attention().name() + "_encoder";
        String name = base;
        for (int k = 1; !names.add(name); k++) name = base + "_" + k;
        int d = m.input().shape()[1];
        TransformerEncoderLayer e = new TransformerEncoderLayer(name, d, m.attention().heads(), m.linear1().units(), 0.0,
                m.activation() == Activation.GELU ? TransformerEncoderLayer.FeedForwardActivation.GELU : TransformerEncoderLayer.FeedForwardActivation.RELU,
                m.normFirst(), epsilon(m.norm1()));
        e.buildFor(new int[] {1, m.input().shape()[0], d});
        for (Weight w : e.weights()) {
            String part = w.name().substring(name.length() + 1);
            float[] into = w.value().data();
            float[] from = switch (part) {
                case "linear1/weight" -> transposed(m.linear1());
                case "linear1/bias" -> bias(m.linear1());
                case "linear2/weight" -> transposed(m.linear2());
                case "linear2/bias" -> bias(m.linear2());
                case "norm1/gamma" -> m.norm1().weights().get(0).value().data();
                case "norm1/beta" -> m.norm1().weights().get(1).value().data();
                case "norm2/gamma" -> m.norm2().weights().get(0).value().data();
                case "norm2/beta" -> m.norm2().weights().get(1).value().data();
                default -> attentionWeight(m.attention(), part.substring(part.indexOf('/') + 1));
            };
            System.arraycopy(from, 0, into, 0, into.length);
        }
        return e;
    }

    /** A Dense kernel [in, out] in PyTorch's [out, in]. */
    private static float[] transposed(Dense dense) {
        return dense.weights().get(0).value().detach().t().data();
    }

    private static float[] bias(Dense dense) {
        return dense.weights().size() > 1 ? dense.weights().get(1).value().data() : new float[dense.units()];
    }

    private static float[] attentionWeight(MultiHeadAttention a, String local) {
        for (Weight w : a.weights()) if (w.name().equals(a.name() + "/" + local)) return w.value().data();
        throw new IllegalStateException(a.name() + " has no weight " + local);
    }
}
