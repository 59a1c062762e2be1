package dev.nabla.nn;

import dev.nabla.tensor.Tensor;

import java.util.Map;

/**
 * A loss: a differentiable tensor computed from targets and predictions, scalar unless its reduction is NONE.
 * Argument order is Keras's: targets first.
 *
 * <pre>{@code
 * Loss loss = Losses.sparseCategoricalCrossentropy(true);
 * Tensor value = loss.apply(labels, logits);
 * value.backward();
 * }</pre>
 */
public interface Loss {

    Tensor apply(Tensor yTrue, Tensor yPred);

    /** Snake-case name, e.g. {@code "sparse_categorical_crossentropy"}. */
    String name();

    /** Name and hyper-parameters, JSON-friendly, for {@code Losses.fromConfig}. */
    Map<String, Object> config();
}
