package dev.nabla.autograd;

/**
 * A scope in which no graph is recorded, for inference and parameter updates:
 * <pre>{@code
 * try (var scope = Autograd.noGrad()) {
 *     Tensor prediction = model.apply(x);
 * }
 * }</pre>
 * Scopes nest and belong to the thread that opened them.
 */
public final class NoGrad implements AutoCloseable {
    private boolean closed;

    NoGrad() {
        Autograd.enterNoGrad();
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            Autograd.exitNoGrad();
        }
    }
}
