package dev.nabla.nn;

import dev.nabla.tensor.Rng;
import dev.nabla.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Creates the starting values of a weight. {@code fanIn} / {@code fanOut} are the number of inputs feeding one
 * output unit and of outputs fed by one input (see {@link Initializers#fans(int[])}); the variance-scaling
 * initialisers use them. Every random value comes from the given {@link Rng}, so the same seed gives the same weights.
 *
 * <pre>{@code
 * Tensor w = Initializers.heNormal().create(new int[] {784, 128}, 784, 128, new Rng(42));
 * }</pre>
 */
public interface Initializer {

    Tensor create(int[] shape, int fanIn, int fanOut, Rng rng);

    /** Snake-case name, e.g. {@code "glorot_uniform"}; {@link Initializers#fromConfig(Object)} understands it. */
    String name();

    /** The name and any parameters, JSON-friendly, e.g. {@code {"name": "constant", "value": 0.1}}. */
    default Map<String, Object> config() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("name", name());
        return c;
    }
}
