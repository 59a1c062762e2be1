package dev.nabla.autograd;

import dev.nabla.tensor.Tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Backpropagation step by step, for explaining and inspecting: walks the real recorded graph of {@code root},
 * runs each op's own backward rule in reverse order without freeing the graph or touching {@code .grad()}, and keeps
 * every intermediate value: what each op received from above and what it passed to each input.
 *
 * <pre>{@code
 * Trace t = Trace.of(loss, null);
 * for (Trace.Step s : t.backwardOrder()) System.out.println(s.op() + " got " + s.upstream());
 * t.gradient(w);   // equals what loss.backward() would put in w.grad()
 * }</pre>
 */
public final class Trace {

    /**
     * One op of the graph.
     *
     * @param output     the value it produced
     * @param inputs     the values it read
     * @param upstream   the gradient of the root with respect to its output (all uses summed)
     * @param inputGrads what it passed to each input, in the input's shape (null for inputs that need no gradient)
     */
    public record Step(String op, Tensor output, List<Tensor> inputs, Tensor upstream, List<Tensor> inputGrads) {}

    private final List<Tensor> forward;          // non-leaf tensors, inputs before outputs
    private final List<Step> backward = new ArrayList<>();
    private final Map<Tensor, Tensor> gradients = new IdentityHashMap<>();
    private final List<Tensor> leaves = new ArrayList<>();

    private Trace(Tensor root, Tensor seed) {
        if (root.node() == null) throw new IllegalArgumentException("Trace: the tensor was not produced by recorded ops (does anything require grad?)");
        if (root.node().isFreed()) throw new IllegalStateException("Trace: the graph was freed by a backward pass; trace before backward()");
        forward = topologicalOrder(root);
        Tensor start = seed != null ? seed : Tensor.onesLike(root);
        if (!Arrays.equals(start.shape(), root.shape())) {
            throw new IllegalArgumentException("Trace: seed shape " + Arrays.toString(start.shape()) + " differs from output " + Arrays.toString(root.shape()));
        }
        gradients.put(root, start);
        try (NoGrad ignored = Autograd.noGrad()) {
            for (int i = forward.size() - 1; i >= 0; i--) {
                Tensor out = forward.get(i);
                Tensor upstream = gradients.get(out);
                if (upstream == null) continue; // does not influence the root
                Node node = out.node();
                Tensor[] grads = node.runBackward(upstream);
                List<Tensor> passed = new ArrayList<>();
                for (int k = 0; k < node.inputCount(); k++) {
                    Tensor in = node.input(k);
                    Tensor g = node.needsGrad(k) && grads[k] != null ? grads[k].sumTo(in.shape()) : null;
                    passed.add(g);
                    if (g == null) continue;
                    Tensor sum = gradients.get(in);
                    gradients.put(in, sum == null ? g.copy() : sum.add(g));
                }
                backward.add(new Step(node.op(), out, List.of(node.inputs()), upstream, Collections.unmodifiableList(passed)));
            }
        }
    }

    /** Traces the graph of {@code root}; {@code seed} is d(root) (null: ones, i.e. the root itself for a scalar). */
    public static Trace of(Tensor root, Tensor seed) {
        return new Trace(root, seed);
    }

    private List<Tensor> topologicalOrder(Tensor root) {
        List<Tensor> order = new ArrayList<>();
        Map<Tensor, Boolean> seen = new IdentityHashMap<>();
        Deque<Object[]> stack = new ArrayDeque<>();
        stack.push(new Object[] {root, 0});
        seen.put(root, true);
        while (!stack.isEmpty()) {
            Object[] top = stack.peek();
            Tensor t = (Tensor) top[0];
            int next = (Integer) top[1];
            Node n = t.node();
            if (n != null && next < n.inputCount()) {
                top[1] = next + 1;
                Tensor in = n.input(next);
                if (seen.put(in, true) == null) stack.push(new Object[] {in, 0});
            } else {
                stack.pop();
                if (n != null) order.add(t);
                else if (t.requiresGrad()) leaves.add(t);
            }
        }
        return order;
    }

    /** Tensors produced by ops, in the order the forward pass computed them. */
    public List<Tensor> forwardOrder() {
        return Collections.unmodifiableList(forward);
    }

    /** The ops from the root back to the leaves, with what flowed through each. */
    public List<Step> backwardOrder() {
        return Collections.unmodifiableList(backward);
    }

    /** The leaves that require grad (parameters, differentiable inputs), in first-use order. */
    public List<Tensor> leaves() {
        return Collections.unmodifiableList(leaves);
    }

    /** d(root)/d(t) for any tensor of the graph; null if t does not influence the root. */
    public Tensor gradient(Tensor t) {
        return gradients.get(t);
    }
}
