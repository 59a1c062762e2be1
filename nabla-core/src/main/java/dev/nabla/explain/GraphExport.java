package dev.nabla.explain;

import dev.nabla.tensor.Shape;
import dev.nabla.tensor.Tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Any tensor's computation graph as Graphviz DOT or Mermaid: one box per value (its name or op, and shape), an
 * arrow from each input to the op's output; values that require a gradient are drawn highlighted.
 *
 * <pre>{@code
 * Files.writeString(Path.of("graph.dot"), GraphExport.dot(loss, Map.of(w, "w")));   // dot -Tsvg graph.dot
 * }</pre>
 */
public final class GraphExport {

    private GraphExport() {}

    private record Graph(List<Tensor> values, Map<Tensor, Integer> ids) {}

    /** Every tensor reachable from the root through recorded ops, in discovery order (root first). */
    private static Graph collect(Tensor root) {
        List<Tensor> values = new ArrayList<>();
        Map<Tensor, Integer> ids = new IdentityHashMap<>();
        Deque<Tensor> queue = new ArrayDeque<>();
        queue.add(root);
        ids.put(root, 0);
        while (!queue.isEmpty()) {
            Tensor t = queue.poll();
            values.add(t);
            if (t.node() == null) continue;
            for (Tensor in : t.node().inputs()) {
                if (!ids.containsKey(in)) {
                    ids.put(in, ids.size());
                    queue.add(in);
                }
            }
        }
        return new Graph(values, ids);
    }

    private static String label(Tensor t, Map<Tensor, String> names) {
        String name = names.get(t);
        String what = t.node() != null ? t.node().op() : (t.requiresGrad() ? "parameter" : "input");
        return (name != null ? name + ": " : "") + what + " " + Shape.str(t.shape());
    }

    public static String dot(Tensor root, Map<Tensor, String> names) {
        Graph g = collect(root);
        StringBuilder sb = new StringBuilder("digraph nabla {\n  rankdir=LR;\n  node [shape=box, fontname=\"Helvetica\"];\n");
        for (Tensor t : g.values()) {
            sb.append("  n").append(g.ids().get(t)).append(" [label=\"").append(escape(label(t, names))).append('"');
            if (t.requiresGrad()) sb.append(", style=filled, fillcolor=\"#dbeafe\"");
            if (t == root) sb.append(", penwidth=2");
            sb.append("];\n");
        }
        for (Tensor t : g.values()) {
            if (t.node() == null) continue;
            for (Tensor in : t.node().inputs()) sb.append("  n").append(g.ids().get(in)).append(" -> n").append(g.ids().get(t)).append(";\n");
        }
        return sb.append("}\n").toString();
    }

    public static String mermaid(Tensor root, Map<Tensor, String> names) {
        Graph g = collect(root);
        StringBuilder sb = new StringBuilder("flowchart LR\n");
        for (Tensor t : g.values()) {
            sb.append("  n").append(g.ids().get(t)).append("[\"").append(label(t, names).replace("\"", "'")).append("\"]\n");
        }
        for (Tensor t : g.values()) {
            if (t.node() == null) continue;
            for (Tensor in : t.node().inputs()) sb.append("  n").append(g.ids().get(in)).append(" --> n").append(g.ids().get(t)).append('\n');
        }
        for (Tensor t : g.values()) if (t.requiresGrad()) sb.append("  style n").append(g.ids().get(t)).append(" fill:#dbeafe\n");
        return sb.toString();
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
