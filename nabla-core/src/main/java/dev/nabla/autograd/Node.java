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
         * @param gradOutput gradient of the loss with respect to this op's output (same shape as the output)
         * @param needsGrad  which inputs need a gradient; entries for the others may be null
         * @return one gradient per input, each of the input's shape or broadcastable to it (the engine sums
         * broadcast dimensions back in one place)
         */
        Tensor[] apply(Tensor gradOutput, boolean[] needsGrad);
    }

    private final String op;
    private final Supplier<String> rule;
    private final Tensor[] inputs;
    private final boolean[] needsGrad;
    private Backward backward;
    long visitMark;

    Node(String op, Supplier<String> rule, Tensor[] inputs, Backward backward) {
        this.op = op;
        this.rule = rule;
        this.inputs = inputs;
        this.backward = backward;
        this.needsGrad = new boolean[inputs.length];
        for (int i = 0; i < inputs.length; i++) needsGrad[i] = inputs[i].requiresGrad();
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

    Tensor[] runBackward(Tensor gradOutput) {
        if (backward == null) {
            throw new IllegalStateException("backward through '" + op + "' a second time: the graph was freed by"
                    + " the first backward; pass retainGraph=true to the first call if you need to go through it twice");
        }
        Tensor[] grads = backward.apply(gradOutput, needsGrad);
        if (grads.length != inputs.length) {
            throw new IllegalStateException(op + ": backward returned " + grads.length + " gradients for "
                    + inputs.length + " inputs");
        }
        return grads;
    }

    void free() {
        backward = null;
    }

    @Override
    public String toString() {
        return op;
    }
}
