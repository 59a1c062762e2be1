package dev.nabla.nn;

import dev.nabla.tensor.Shape;

/**
 * The symbolic inputs of a functional model; the batch dimension is implicit:
 *
 * <pre>{@code
 * SymbolicTensor image = Input.of("image", 1, 28, 28);   // batches of [n, 1, 28, 28]
 * }</pre>
 */
public final class Input {

    private Input() {}

    /** An input named {@code name} (it names the input in {@code apply(Map)} and model files) of one sample's shape. */
    public static SymbolicTensor of(String name, int... shape) {
        if (name == null || name.isBlank()) throw new IllegalArgumentException("Input.of: the input needs a name");
        for (int d : shape) {
            if (d <= 0) throw new IllegalArgumentException("Input.of(\"" + name + "\"): dimensions must be positive, got " + Shape.str(shape));
        }
        return new SymbolicTensor(name, shape, null, java.util.List.of());
    }
}
