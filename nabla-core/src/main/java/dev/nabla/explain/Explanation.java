package dev.nabla.explain;

import dev.nabla.tensor.Tensor;

import java.util.List;

/**
 * What {@link Explainer} found, ready to print: the forward pass op by op, the backward pass in reverse order, the
 * parameters' gradients, and one optimizer step.
 */
public record Explanation(String title, List<ForwardStep> forward, List<BackwardStep> backward, List<ParameterUpdate> updates,
                          Tensor output, Tensor outputAfterUpdate, float learningRate) {

    /** {@code output = op(inputs)}. */
    public record ForwardStep(String output, String op, List<String> inputs, Tensor value) {}

    /** What one op received from above and passed to each input. */
    public record BackwardStep(String output, String op, Tensor upstream, String rule, List<Passed> passed) {}

    /** The gradient sent to one input. */
    public record Passed(String input, Tensor gradient) {}

    /** A parameter before and after one gradient-descent step. */
    public record ParameterUpdate(String name, Tensor before, Tensor gradient, Tensor after) {}
}
