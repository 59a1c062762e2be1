package dev.nabla.autograd;

import dev.nabla.tensor.Shape;
import dev.nabla.tensor.Tensor;

/**
 * A user-defined differentiable operation, in the manner of PyTorch's {@code autograd.Function}: write the forward
 * computation and its backward rule; Nabla records it in the graph like any built-in op.
 *
 * <pre>{@code
 * // y = x^3, dy/dx = 3 x^2
 * class Cube extends Function {
 *     protected Tensor forward(Context ctx, Tensor... in) {
 *         ctx.save(in[0]);
 *         return in[0].mul(in[0]).mul(in[0]);
 *     }
 *     protected Tensor[] backward(Context ctx, Tensor grad) {
 *         Tensor x = ctx.saved(0);
 *         return new Tensor[] {grad.mul(x.mul(x).mul(3f))};
 *     }
 * }
 * Tensor y = new Cube().apply(x);
 * }</pre>
 * The forward runs without recording; the backward receives the gradient of the output and returns one gradient
 * per input (null for an input that needs none), each of the input's shape or broadcastable to it.
 */
public abstract class Function {

    /** What forward saves for backward, and which inputs need a gradient. */
    public static final class Context {
        private Tensor[] saved = new Tensor[0];
        private boolean[] needsGrad = new boolean[0];

        public void save(Tensor... tensors) {
            saved = tensors.clone();
        }

        public Tensor saved(int i) {
            return saved[i];
        }

        public boolean needsInputGrad(int i) {
            return needsGrad[i];
        }
    }

    protected abstract Tensor forward(Context ctx, Tensor... inputs);

    protected abstract Tensor[] backward(Context ctx, Tensor gradOutput);

    /** The op's name in the graph; the class's simple name unless overridden. */
    public String name() {
        String n = getClass().getSimpleName();
        return n.isEmpty() ? "function" : n;
    }

    /** Its backward rule in words, as explanations print it; override to say what {@link #backward} computes. */
    public String rule() {
        return name() + ": a user-defined op, whose backward() gives each input's gradient";
    }

    public final Tensor apply(Tensor... inputs) {
        Context ctx = new Context();
        Tensor out;
        try (NoGrad ignored = Autograd.noGrad()) {
            out = forward(ctx, inputs);
        }
        for (Tensor in : inputs) {
            if (out == in) {
                out = out.copy(); // the graph needs an output distinct from its inputs
                break;
            }
        }
        String name = name();
        return Autograd.record(name, this::rule, out.detach(), (g, needs) -> {
            ctx.needsGrad = needs;
            // the user's backward may keep its gradient: never one whose array the engine recycles
            Tensor[] grads = backward(ctx, g.isRecyclable() ? g.copy() : g);
            if (grads == null || grads.length != inputs.length) {
                throw new IllegalStateException(name + ": backward must return " + inputs.length + " gradients, got "
                        + (grads == null ? "null" : grads.length));
            }
            for (int i = 0; i < grads.length; i++) {
                if (grads[i] != null && needs[i]) {
                    try {
                        Shape.broadcast(name, inputs[i].shape(), grads[i].shape());
                    } catch (IllegalArgumentException e) {
                        throw new IllegalStateException(name + ": backward returned a gradient of shape "
                                + Shape.str(grads[i].shape()) + " for input " + i + " of shape "
                                + Shape.str(inputs[i].shape()), e);
                    }
                }
            }
            return grads;
        }, inputs);
    }
}
