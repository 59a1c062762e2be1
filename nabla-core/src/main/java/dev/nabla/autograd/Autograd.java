package dev.nabla.autograd;

import dev.nabla.kernels.BinaryOp;
import dev.nabla.kernels.Elementwise;
import dev.nabla.kernels.RecycledArrays;
import dev.nabla.tensor.Shape;
import dev.nabla.tensor.Tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Reverse-mode automatic differentiation: recording ops, {@link #backward}, functional {@link #grad}, and the
 * no-grad scope. The backward rules themselves live beside each op's forward, with the rule in words that
 * explanations print (see {@code dev.nabla.tensor});
 * broadcasting is undone here, in one place, by summing each gradient back to its input's shape.
 */
public final class Autograd {
    private Autograd() {}

    private static final ThreadLocal<int[]> NO_GRAD_DEPTH = ThreadLocal.withInitial(() -> new int[1]);
    private static final AtomicLong VISIT = new AtomicLong();

    /** Opens a scope in which nothing is recorded; close it (try-with-resources) to restore recording. */
    public static NoGrad noGrad() {
        return new NoGrad();
    }

    /**
     * Whether this object (a backward rule, a layer, a loss) is of a class written in Nabla's packages, and so keeps
     * no gradient or value it is given past the backward pass or step that gave it: code written elsewhere may.
     */
    public static boolean writtenInNabla(Object o) {
        return o.getClass().getName().startsWith("dev.nabla.");
    }

    public static boolean isGradEnabled() {
        return NO_GRAD_DEPTH.get()[0] == 0;
    }

    static void enterNoGrad() {
        NO_GRAD_DEPTH.get()[0]++;
    }

    static void exitNoGrad() {
        NO_GRAD_DEPTH.get()[0]--;
    }

    /**
     * Records {@code out = op(inputs)} if recording is on and any input requires grad; returns {@code out}.
     * Ops call this right after computing their forward value, with their backward rule and that rule in words (as
     * explanations print it; asked for only then, so it may be built from the op's parameters).
     */
    public static Tensor record(String op, Supplier<String> rule, Tensor out, Node.Backward backward, Tensor... inputs) {
        if (recording(op, rule, inputs)) out.attach(new Node(op, rule, inputs, backward));
        return out;
    }

    /**
     * As {@link #record(String, Supplier, Tensor, Node.Backward, Tensor...)}, for an op whose backward rule alone reads
     * state it saved: {@code release} runs once nothing can read it, when a backward pass without a retained graph
     * has gone through the op, or at once if the op is not recorded. A rule whose node is never freed (its graph
     * is dropped without a backward pass) never releases; its state is then garbage like any other.
     */
    public static Tensor record(String op, Supplier<String> rule, Tensor out, Node.Backward backward, Runnable release,
                                Tensor... inputs) {
        if (recording(op, rule, inputs)) {
            Node node = new Node(op, rule, inputs, backward);
            node.onFree(release);
            out.attach(node);
        } else {
            release.run();
        }
        return out;
    }

    /**
     * As {@link #record(String, Supplier, Tensor, Node.Backward, Tensor...)}, for an op whose backward may add a
     * leaf input's gradient straight into its {@code .grad()} where the engine allows it (a plain {@link #backward}).
     */
    public static Tensor record(String op, Supplier<String> rule, Tensor out, Node.AccumulatingBackward backward, Tensor... inputs) {
        if (recording(op, rule, inputs)) out.attach(new Node(op, rule, inputs, backward));
        return out;
    }

    /** Whether an op on {@code inputs} is recorded now: recording is on and an input requires grad. */
    private static boolean recording(String op, Supplier<String> rule, Tensor[] inputs) {
        if (rule == null) throw new IllegalArgumentException(op + ": recorded without its rule in words");
        return records(inputs);
    }

    /**
     * Whether an op on {@code inputs} is recorded now: recording is on and an input requires grad. An op that keeps
     * extra state for its backward pass asks this before computing it.
     */
    public static boolean records(Tensor... inputs) {
        if (!isGradEnabled()) return false;
        for (Tensor t : inputs) {
            if (t != null && t.requiresGrad()) return true;
        }
        return false;
    }

    /** Accumulates d(root)/d(leaf) into {@code .grad()} of every leaf that requires grad. */
    public static void backward(Tensor root, Tensor seed, boolean retainGraph) {
        run(root, seed, retainGraph, null);
    }

    /**
     * Gradients of {@code output} with respect to each of {@code inputs} (leaves or intermediate tensors), without
     * touching any {@code .grad()}. An input the output does not depend on gets a zero gradient.
     */
    public static List<Tensor> grad(Tensor output, List<Tensor> inputs, Tensor seed, boolean retainGraph) {
        IdentityHashMap<Tensor, Tensor> wanted = new IdentityHashMap<>();
        for (Tensor t : inputs) {
            if (!t.requiresGrad()) {
                throw new IllegalArgumentException("grad: an input of shape " + Shape.str(t.shape())
                        + " does not require grad, so no gradient flows to it");
            }
            wanted.put(t, null);
        }
        run(output, seed, retainGraph, wanted);
        List<Tensor> out = new ArrayList<>(inputs.size());
        for (Tensor t : inputs) {
            Tensor g = wanted.get(t);
            out.add(g == null ? Tensor.zeros(t.shape()) : g);
        }
        return out;
    }

    public static List<Tensor> grad(Tensor output, List<Tensor> inputs) {
        return grad(output, inputs, null, false);
    }

    private static void run(Tensor root, Tensor seed, boolean retainGraph, IdentityHashMap<Tensor, Tensor> wanted) {
        if (!root.requiresGrad()) {
            throw new IllegalStateException("backward: the tensor of shape " + Shape.str(root.shape())
                    + " does not require grad (no input of the computation had requiresGrad set, or it was computed"
                    + " in a no-grad scope)");
        }
        if (seed == null) {
            if (root.size() != 1) {
                throw new IllegalArgumentException("backward: output has shape " + Shape.str(root.shape())
                        + "; backward without a seed gradient needs a scalar (reduce it first, e.g. with mean()),"
                        + " or pass a seed of the same shape");
            }
            seed = Tensor.full(root.shape(), 1f);
        } else if (!Arrays.equals(seed.shape(), root.shape())) {
            throw new IllegalArgumentException("backward: seed gradient shape " + Shape.str(seed.shape())
                    + " differs from output shape " + Shape.str(root.shape()));
        }
        List<Tensor> order = topologicalOrder(root);
        IdentityHashMap<Tensor, Tensor> grads = new IdentityHashMap<>();
        grads.put(root, seed);
        try (NoGrad ignored = noGrad()) {
            deliverIfLeaf(root, seed, wanted);
            for (int i = order.size() - 1; i >= 0; i--) {
                Tensor t = order.get(i);
                Node node = t.node();
                Tensor g = grads.remove(t);
                if (g == null) continue;
                if (t.isRetainingGrad() && wanted == null) accumulateInto(t, g);
                if (wanted != null && wanted.containsKey(t) && t != root) wanted.put(t, g);
                // A plain backward lets an op add a leaf's gradient into its .grad() itself; grad() must not.
                Tensor[] inGrads = node.runBackward(g, wanted == null);
                if (!retainGraph) node.free();
                // Where no graph is kept and no gradient handed out, gradients in recycled arrays go back once the
                // pass has no further use for them (RecycledArrays): their rule has run and nothing pending shares them
                boolean recycle = !retainGraph && wanted == null && !node.mayKeepGradient();
                if (recycle) recycleIfUnused(g, inGrads, 0, grads);
                for (int k = 0; k < node.inputCount(); k++) {
                    if (!node.needsGrad(k) || inGrads[k] == null) continue;
                    Tensor in = node.input(k);
                    Tensor gk = unbroadcast(node.op(), inGrads[k], in.shape());
                    if (in.node() == null) {
                        deliverIfLeaf(in, gk, wanted);
                    } else {
                        Tensor prev = grads.get(in);
                        grads.put(in, prev == null ? gk : sum(prev, gk));
                        if (prev != null && recycle) {
                            recycleIfUnused(prev, inGrads, k + 1, grads);
                            recycleIfUnused(gk, inGrads, k + 1, grads);
                        }
                    }
                }
            }
        }
        if (wanted != null && wanted.containsKey(root)) wanted.put(root, seed);
    }

    /** a + b (the same shape) in a recycled array, which the pass gives back in its turn. */
    private static Tensor sum(Tensor a, Tensor b) {
        float[] out = RecycledArrays.take(a.size());
        Elementwise.binary(BinaryOp.ADD, a.data(), a.shape(), b.data(), b.shape(), out, a.shape());
        return Tensor.ofRecyclable(out, a.shape());
    }

    /**
     * Gives g's array back if it is a recycled one that neither the gradients still to deliver (from index
     * {@code from} of {@code inGrads}: an op may pass its gradient on as it is, or as a view) nor a pending gradient
     * shares.
     */
    private static void recycleIfUnused(Tensor g, Tensor[] inGrads, int from, IdentityHashMap<Tensor, Tensor> pending) {
        if (!g.isRecyclable()) return;
        float[] a = g.data();
        for (int i = from; i < inGrads.length; i++) if (inGrads[i] != null && inGrads[i].data() == a) return;
        for (Tensor p : pending.values()) if (p.data() == a) return;
        RecycledArrays.give(a);
    }

    private static void deliverIfLeaf(Tensor leaf, Tensor g, IdentityHashMap<Tensor, Tensor> wanted) {
        if (leaf.node() != null) return;
        if (wanted == null) {
            accumulateInto(leaf, g);
        } else if (wanted.containsKey(leaf)) {
            Tensor prev = wanted.get(leaf);
            wanted.put(leaf, prev == null ? g : prev.add(g));
        }
    }

    /** Leaf gradients add up across backward calls until zeroed; the buffer is owned by the leaf and reused. */
    private static void accumulateInto(Tensor t, Tensor g) {
        boolean zeroed = t.claimZeroedGrad();
        Tensor existing = t.grad();
        if (existing == null) {
            t.setGrad(g.copy());
        } else if (zeroed) { // zeroGrad() since the last write: g is the gradient, copied into the kept buffer
            existing.copyFrom(g);
        } else {
            existing.addInPlace(g);
        }
    }

    /** Sums a gradient over the dimensions that broadcasting expanded, giving it the input's shape. */
    static Tensor unbroadcast(String op, Tensor g, int[] shape) {
        if (Arrays.equals(g.shape(), shape)) return g;
        try {
            return g.sumTo(shape);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(op + ": backward produced a gradient of shape " + Shape.str(g.shape())
                    + " for an input of shape " + Shape.str(shape), e);
        }
    }

    /** Tensors with a node reachable from root, inputs before outputs (iterative, so deep graphs do not overflow). */
    static List<Tensor> topologicalOrder(Tensor root) {
        long mark = VISIT.incrementAndGet();
        List<Tensor> order = new ArrayList<>();
        if (root.node() == null) return order;
        ArrayDeque<Tensor> stack = new ArrayDeque<>();
        ArrayDeque<Integer> next = new ArrayDeque<>();
        root.node().visitMark = mark;
        stack.push(root);
        next.push(0);
        while (!stack.isEmpty()) {
            Tensor t = stack.peek();
            Node n = t.node();
            int k = next.pop();
            if (k < n.inputCount()) {
                next.push(k + 1);
                Tensor in = n.input(k);
                Node inNode = in.node();
                if (inNode != null && inNode.visitMark != mark) {
                    inNode.visitMark = mark;
                    stack.push(in);
                    next.push(0);
                }
            } else {
                stack.pop();
                order.add(t);
            }
        }
        return order;
    }
}
