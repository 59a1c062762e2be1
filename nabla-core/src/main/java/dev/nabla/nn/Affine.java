package dev.nabla.nn;

import dev.nabla.autograd.Autograd;
import dev.nabla.autograd.Node;
import dev.nabla.autograd.StepArrays;
import dev.nabla.kernels.ColumnSums;
import dev.nabla.kernels.Elementwise;
import dev.nabla.kernels.Gemms;
import dev.nabla.kernels.RecycledArrays;
import dev.nabla.tensor.Tensor;

/**
 * The fused op of a {@link Dense} layer on [batch, in] inputs: {@code relu?(x @ kernel + bias)} as one op instead of
 * matmul, add and relu. The bias is the GEMM's starting value and the ReLU is applied in place, so the forward pass
 * allocates one array; the backward pass masks the gradient once, needs no gradient for inputs that do not require
 * one (the pixels of a first layer), and puts a large kernel's gradient straight into its {@code .grad()} (written
 * over it after zeroGrad) when the engine allows it. Whether the ReLU goes in is {@link Fusions}'s decision.
 */
final class Affine {

    /** Kernels from this many weights add their gradient into .grad() directly (smaller ones gain nothing). */
    private static final int DIRECT_GRADIENT_MIN = 16 * 1024;

    private Affine() {
    }

    /** {@code x @ kernel + bias}, then the ReLU when {@code relu}; {@code bias} may be null. */
    static Tensor apply(Tensor x, Tensor kernel, Tensor bias, boolean relu) {
        int m = x.dim(0), k = x.dim(1), n = kernel.dim(1);
        float[] out = StepArrays.forOutput(m * n, x, kernel, bias); // every element written: bias, then beta 1, or beta 0
        if (bias != null) Elementwise.repeatRow(bias.data(), 0, n, out, m);
        Gemms.get().sgemm(false, false, m, n, k, 1f, x.data(), 0, k, kernel.data(), 0, n, bias != null ? 1f : 0f, out, 0, n);
        if (relu) for (int i = 0; i < out.length; i++) out[i] = Math.max(out[i], 0f);
        Tensor y = Tensor.of(out, m, n);
        Tensor[] inputs = bias != null ? new Tensor[] {x, kernel, bias} : new Tensor[] {x, kernel};
        return Autograd.record(relu ? "linear_relu" : "linear", () -> relu
                ? "for Y = relu(Z), Z = X @ W + b: dZ = dY where Z > 0 or NaN (else 0), then dX = dZ @ W^T,"
                        + " dW = X^T @ dZ, db = dZ summed over the rows"
                : "for Y = X @ W + b: dX = dY @ W^T, dW = X^T @ dY, db = dY summed over the rows", y, (g, need, leaves) -> {
            float[] dz = g.data(), masked = null;
            if (relu) { // this rule's own scratch: recycled, every element written, given back below
                masked = RecycledArrays.take(dz.length);
                Elementwise.reluGradientFromOutput(out, 0, dz, 0, masked, 0, dz.length);
                dz = masked;
            }
            Tensor[] grads = new Tensor[need.length];
            if (need[0]) {
                float[] dx = RecycledArrays.take(m * k);
                Gemms.get().sgemm(false, true, m, k, n, 1f, dz, 0, n, kernel.data(), 0, n, 0f, dx, 0, k);
                grads[0] = Tensor.ofRecyclable(dx, m, k);
            }
            if (need[1]) {
                // A large kernel's gradient goes straight into its .grad() when the backward pass allows it, written
                // over it after zeroGrad().
                Node.Target into = k * n >= DIRECT_GRADIENT_MIN ? leaves.whole(1) : null;
                float[] dw = into != null ? into.data() : new float[k * n];
                Gemms.get().sgemm(true, false, k, n, m, 1f, x.data(), 0, k, dz, 0, n, into != null && into.add() ? 1f : 0f, dw, 0, n);
                if (into == null) grads[1] = Tensor.of(dw, k, n);
            }
            if (need.length > 2 && need[2]) {
                float[] db = new float[n];
                ColumnSums.addInto(dz, 0, m, n, db, 0);
                grads[2] = Tensor.of(db, n);
            }
            RecycledArrays.give(masked);
            return grads;
        }, inputs);
    }
}
