package dev.nabla.explain;

import java.util.Map;

/** The local derivative of each op, in words, as the explanation prints it next to the numbers. */
final class Rules {

    private static final Map<String, String> RULES = Map.ofEntries(
            Map.entry("add", "d(a+b)/da = 1 and d(a+b)/db = 1: the gradient passes through unchanged (summed over broadcast axes)"),
            Map.entry("sub", "d(a-b)/da = 1 and d(a-b)/db = -1"),
            Map.entry("mul", "d(a*b)/da = b and d(a*b)/db = a: each input receives the gradient times the other input"),
            Map.entry("div", "d(a/b)/da = 1/b and d(a/b)/db = -a/b^2"),
            Map.entry("pow", "d(a^b)/da = b a^(b-1) and d(a^b)/db = a^b ln a"),
            Map.entry("pow_scalar", "d(x^p)/dx = p x^(p-1)"),
            Map.entry("mul_scalar", "d(s*x)/dx = s"),
            Map.entry("add_scalar", "d(x+s)/dx = 1"),
            Map.entry("neg", "d(-x)/dx = -1"),
            Map.entry("exp", "d(e^x)/dx = e^x, the output itself"),
            Map.entry("log", "d(ln x)/dx = 1/x"),
            Map.entry("sqrt", "d(sqrt x)/dx = 1/(2 sqrt x)"),
            Map.entry("abs", "d|x|/dx = sign(x)"),
            Map.entry("square", "d(x^2)/dx = 2x"),
            Map.entry("reciprocal", "d(1/x)/dx = -1/x^2"),
            Map.entry("relu", "d relu(x)/dx = 1 where x > 0, else 0: the gradient passes only where the input was positive"),
            Map.entry("leaky_relu", "d/dx = 1 where x > 0, else the slope"),
            Map.entry("elu", "d/dx = 1 where x > 0, else e^x"),
            Map.entry("sigmoid", "d sigmoid(x)/dx = s(1-s) with s the output"),
            Map.entry("tanh", "d tanh(x)/dx = 1 - t^2 with t the output"),
            Map.entry("softplus", "d softplus(x)/dx = sigmoid(x)"),
            Map.entry("gelu", "d/dx x Phi(x) = Phi(x) + x phi(x)"),
            Map.entry("softmax", "d softmax: g_in = s * (g - sum(g * s)) along the axis, s the output"),
            Map.entry("log_softmax", "d log_softmax: g_in = g - softmax(x) * sum(g) along the axis"),
            Map.entry("sum", "d(sum x)/dx_i = 1: the gradient is copied to every summed element"),
            Map.entry("mean", "d(mean x)/dx_i = 1/n: the gradient is shared equally by the n averaged elements"),
            Map.entry("max", "the gradient goes to the element that was the maximum"),
            Map.entry("min", "the gradient goes to the element that was the minimum"),
            Map.entry("linear", "for Y = X @ W + b: dX = dY @ W^T, dW = X^T @ dY, db = dY summed over the rows"),
            Map.entry("linear_relu", "for Y = relu(Z), Z = X @ W + b: dZ = dY where Z > 0 (else 0), then dX = dZ @ W^T, dW = X^T @ dZ, db = dZ summed over the rows"),
            Map.entry("matmul", "for Y = A @ B: dA = dY @ B^T and dB = A^T @ dY"),
            Map.entry("conv2d", "dW = dY convolved with the input patches; dX = dY scattered back through the kernel (col2im); db = sum of dY"),
            Map.entry("conv2d_relu", "the ReLU's mask first (the gradient passes where the output was positive), then as conv2d"),
            Map.entry("conv2d_relu_maxpool2d", "each window's gradient goes to its winning position if the maximum was positive, then as conv2d"),
            Map.entry("max_pool2d", "the gradient goes to the winning position of each window"),
            Map.entry("avg_pool2d", "the gradient is shared equally by each window's positions"),
            Map.entry("reshape", "reshaping moves no value: the gradient is reshaped back"),
            Map.entry("permute", "the gradient is permuted back"),
            Map.entry("gather", "the gradient is added back at the gathered positions"),
            Map.entry("where", "the gradient goes to whichever input was chosen at each position"),
            Map.entry("clamp", "d/dx = 1 inside the bounds, 0 where clamped"),
            Map.entry("sparse_categorical_crossentropy", "for L = -log q[target]: from probabilities dp = -1/p at the target"
                    + " (0 where clipped), from logits dz = softmax(z) - onehot(target); divided by the batch size for the mean"),
            Map.entry("categorical_crossentropy", "for L = -sum t log q: from probabilities dp = -t/p (0 where clipped), from"
                    + " logits dz = softmax(z) * sum(t) - t; dt = -log q; divided by the batch size for the mean"));

    private Rules() {}

    static String describe(String op) {
        return RULES.getOrDefault(op, op + "'s own backward rule");
    }
}
