package dev.nabla.nn;

import dev.nabla.tensor.Tensor;

import java.util.Locale;

/**
 * The activation functions layers can apply after their linear part, and {@link ActivationLayer} applies alone.
 * Softmax and log-softmax act along the last axis. The parameterised ones use PyTorch's defaults:
 * LEAKY_RELU has slope 0.01, ELU has alpha 1.
 *
 * <pre>{@code
 * Tensor p = Activation.parse("softmax").apply(logits);
 * }</pre>
 */
public enum Activation {
    LINEAR,
    RELU,
    /** x for x &gt; 0, else 0.01 x. */
    LEAKY_RELU,
    /** x for x &gt; 0, else e^x - 1. */
    ELU,
    /** Exact GELU, x * Phi(x) with the normal CDF (erf). */
    GELU,
    /** GELU with the tanh approximation (as GPT-2 and {@code approximate='tanh'}). */
    GELU_TANH,
    SIGMOID,
    TANH,
    SOFTPLUS,
    SOFTMAX,
    LOG_SOFTMAX;

    public static final float LEAKY_RELU_SLOPE = 0.01f;
    public static final float ELU_ALPHA = 1f;

    public Tensor apply(Tensor x) {
        switch (this) {
            case LINEAR: return x;
            case RELU: return x.relu();
            case LEAKY_RELU: return x.leakyRelu(LEAKY_RELU_SLOPE);
            case ELU: return x.elu(ELU_ALPHA);
            case GELU: return x.gelu(false);
            case GELU_TANH: return x.gelu(true);
            case SIGMOID: return x.sigmoid();
            case TANH: return x.tanh();
            case SOFTPLUS: return x.softplus();
            case SOFTMAX: return x.softmax(-1);
            case LOG_SOFTMAX: return x.logSoftmax(-1);
            default: throw new IllegalStateException("unhandled activation " + this);
        }
    }

    /** The config / CLI name: lower snake case, e.g. {@code "leaky_relu"}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The activation with this name: case-insensitive, snake_case or camelCase ({@code "leakyRelu"}); {@code "none"},
     * {@code "identity"} and null mean LINEAR; {@code "gelu_erf"} is GELU.
     */
    public static Activation parse(String name) {
        if (name == null) return LINEAR;
        String key = name.trim().replaceAll("([a-z])([A-Z])", "$1_$2").replace('-', '_').toUpperCase(Locale.ROOT);
        switch (key) {
            case "NONE": case "IDENTITY": case "": return LINEAR;
            case "GELU_ERF": return GELU;
            case "LOGSOFTMAX": return LOG_SOFTMAX;
            case "LEAKYRELU": return LEAKY_RELU;
            default:
                try {
                    return valueOf(key);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("unknown activation '" + name + "'; known: linear, relu, leaky_relu,"
                            + " elu, gelu, gelu_tanh, sigmoid, tanh, softplus, softmax, log_softmax");
                }
        }
    }
}
