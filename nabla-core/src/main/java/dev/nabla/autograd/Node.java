package dev.nabla.autograd;

import dev.nabla.tensor.Tensor;

import java.util.function.Supplier;

/**
 * One recorded operation of the graph: the op's name, the tensors it read, its backward rule, and that rule in words
 * (for explanations). A tensor produced by a recorded op points to its node; leaves (parameters, inputs) have none.
 */
public final class Node {

    /** The backward rule of one op: given the gradient of the output, the gradients of the inputs. */
    @FunctionalInterface
    public interface Backward {
        /**
         * @param gradOutput gradient of the loss with respect to this op's output (same shape as the output); a rule
         *                   outside Nabla may keep it, Nabla's own rules read it during the call only (its array
         *                   may be recycled afterwards: {@link Tensor#ofRecyclable})
         * @param needsGrad  which inputs need a gradient; entries for the others may be null
         * @return one gradient per input, each of the input's shape or broadcastable to it (the engine sums
         * broadcast dimensions back in one place)
         */
        Tensor[] apply(Tensor gradOutput, boolean[] needsGrad);
    }

    /**
     * A backward rule that may add a leaf input's gradient into that leaf's {@code .grad()} itself (e.g. as a GEMM's
     * accumulator), which saves a large weight gradient an array and a pass over it per step; it returns null for
     * that input then. The engine says, through {@code leaves}, which inputs allow it.
     */
    @FunctionalInterface
    public interface AccumulatingBackward {
        /** As {@link Backward#apply}, with {@code leaves} giving the buffers an input's gradient may go into. */
        Tensor[] apply(Tensor gradOutput, boolean[] needsGrad, LeafGradients leaves);
    }

    /** Where an {@link AccumulatingBackward} may put each input's gradient directly. */
    public interface LeafGradients {
        /**
         * The {@code .grad()} array of input {@code i} to add its gradient into (created as zeros when missing), when
         * the running pass is a plain {@code backward} (which would add it there anyway) and input {@code i} is a
         * leaf that requires grad; null otherwise (inside {@code Autograd.grad}, or for a computed tensor), and the
         * rule returns that gradient.
         */
        float[] of(int i);

        /**
         * As {@link #of}, for a rule that writes every element of the gradient (a GEMM's output): the array, and
         * whether to add into it; false after {@code zeroGrad()} (or for a new array), when it is to be written over,
         * so that the zeros are never written. Null where {@link #of} is null.
         */
        Target whole(int i);
    }

    /** A leaf's gradient array, and whether a rule adds its result into it (else writes over it). */
    public record Target(float[] data, boolean add) {}

    private static final LeafGradients NONE = new LeafGradients() {
        @Override
        public float[] of(int i) {
            return null;
        }

        @Override
        public Target whole(int i) {
            return null;
        }
    };

    private final String op;
    private final Supplier<String> rule;
    private final Tensor[] inputs;
    private final boolean[] needsGrad;
    private AccumulatingBackward backward;
    /**
     * The rule is not Nabla's (a lambda's class is named after the class that wrote it): it may keep the gradient it
     * is given, whose array must then never be recycled.
     */
    private final boolean mayKeepGradient;
    /** Run once the backward rule is dropped: gives back what only the rule could read (may be null). */
    private Runnable release;
    long visitMark;

    Node(String op, Supplier<String> rule, Tensor[] inputs, Backward backward) {
        this(op, rule, inputs, (AccumulatingBackward) (g, need, leaves) -> backward.apply(g, need), !Autograd.writtenInNabla(backward));
    }

    Node(String op, Supplier<String> rule, Tensor[] inputs, AccumulatingBackward backward) {
        this(op, rule, inputs, backward, !Autograd.writtenInNabla(backward));
    }

    private Node(String op, Supplier<String> rule, Tensor[] inputs, AccumulatingBackward backward, boolean mayKeepGradient) {
        this.mayKeepGradient = mayKeepGradient;
        this.op = op;
        this.rule = rule;
        this.inputs = inputs;
        this.backward = backward;
        this.needsGrad = new boolean[inputs.length];
        for (int i = 0; i < inputs.length; i++) needsGrad[i] = inputs[i].requiresGrad();
    }

    boolean mayKeepGradient() {
        return mayKeepGradient;
    }

    /** The op's name, e.g. {@code "matmul"}. */
    public String op() {
        return op;
    }

    /** The backward rule in words, e.g. {@code "for Y = A @ B: dA = dY @ B^T and dB = A^T @ dY"}. */
    public String rule() {
        return rule.get();
    }

    /** The tensors this op read, in argument order. */
    public Tensor[] inputs() {
        return inputs.clone();
    }

    Tensor input(int i) {
        return inputs[i];
    }

    int inputCount() {
        return inputs.length;
    }

    boolean needsGrad(int i) {
        return needsGrad[i];
    }

    /** True once a backward pass has run through this node without retaining the graph. */
    public boolean isFreed() {
        return backward == null;
    }

    /** The inputs' gradients, none of them added into a {@code .grad()} by the rule. */
    Tensor[] runBackward(Tensor gradOutput) {
        return runBackward(gradOutput, false);
    }

    /** The inputs' gradients; with {@code intoLeaves}, the rule may add a leaf's into its {@code .grad()} (then null). */
    Tensor[] runBackward(Tensor gradOutput, boolean intoLeaves) {
        if (backward == null) {
            throw new IllegalStateException("backward through '" + op + "' a second time: the graph was freed by"
                    + " the first backward; pass retainGraph=true to the first call if you need to go through it twice");
        }
        Tensor[] grads = backward.apply(gradOutput, needsGrad, intoLeaves ? leaves : NONE);
        if (grads.length != inputs.length) {
            throw new IllegalStateException(op + ": backward returned " + grads.length + " gradients for "
                    + inputs.length + " inputs");
        }
        return grads;
    }

    /** This node's leaf inputs' gradient arrays, for a plain backward pass. */
    private final LeafGradients leaves = new LeafGradients() {
        @Override
        public float[] of(int i) {
            if (!isLeafToFill(i)) return null;
            Tensor leaf = inputs[i];
            if (leaf.grad() == null) leaf.setGrad(Tensor.zeros(leaf.shape()));
            return leaf.grad().data();
        }

        @Override
        public Target whole(int i) {
            if (!isLeafToFill(i)) return null;
            Tensor leaf = inputs[i];
            boolean zeroed = leaf.claimZeroedGrad();
            if (leaf.grad() == null) {
                leaf.setGrad(Tensor.zeros(leaf.shape()));
                zeroed = true;
            }
            return new Target(leaf.grad().data(), !zeroed);
        }
    };

    private boolean isLeafToFill(int i) {
        return inputs[i].node() == null && needsGrad[i];
    }

    void free() {
        backward = null;
        Runnable r = release;
        release = null;
        if (r != null) r.run();
    }

    void onFree(Runnable release) {
        this.release = release;
    }

    @Override
    public String toString() {
        return op;
    }
}
