package dev.nabla.nn;

import dev.nabla.autograd.Autograd;
import dev.nabla.autograd.StepArrays;
import dev.nabla.kernels.ColumnSums;
import dev.nabla.kernels.Elementwise;
import dev.nabla.kernels.Gemms;
import dev.nabla.kernels.RecycledArrays;
import dev.nabla.tensor.Rng;
import dev.nabla.tensor.Shape;
import dev.nabla.tensor.Tensor;

/**
 * The affine map of PyTorch's {@code nn.Linear}, with the weight stored [out, in] as PyTorch stores it (Dense stores
 * its kernel [in, out], as Keras): {@code y = x @ W[r0 : r0+n]^T + b[r0 : r0+n]} on any [..., in] input, for a block
 * of n rows of the weight (the q, k or v part of an attention in-projection, or all of it), as one op whose backward
 * writes the rows it used. The transformer layers build on it.
 */
final class TorchLinear {

    private TorchLinear() {
    }

    /** {@code x @ weight^T + bias} for weight [out, in], bias [out] or null. */
    static Tensor apply(Tensor x, Tensor weight, Tensor bias) {
        return apply(x, weight, bias, 0, weight.dim(0));
    }

    /** {@code x @ weight[rowStart : rowStart+rows]^T + bias[rowStart : rowStart+rows]} on [..., in]; gives [..., rows]. */
    static Tensor apply(Tensor x, Tensor weight, Tensor bias, int rowStart, int rows) {
        int[] s = x.shape();
        int k = weight.dim(1);
        if (s.length < 1 || s[s.length - 1] != k) {
            throw new IllegalArgumentException("linear: input " + Shape.str(s) + " does not end in the weight's " + k + " inputs (weight "
                    + Shape.str(weight.shape()) + ")");
        }
        int m = x.size() / k, n = rows, wOff = rowStart * k;
        float[] out = StepArrays.forOutput(m * n, x, weight, bias); // every element written: bias, then beta 1, or beta 0
        if (bias != null) Elementwise.repeatRow(bias.data(), rowStart, n, out, m);
        Gemms.get().sgemm(false, true, m, n, k, 1f, x.data(), 0, k, weight.data(), wOff, k, bias != null ? 1f : 0f, out, 0, n);
        int[] outShape = s.clone();
        outShape[s.length - 1] = n;
        Tensor y = Tensor.of(out, outShape);
        Tensor[] inputs = bias != null ? new Tensor[] {x, weight, bias} : new Tensor[] {x, weight};
        return Autograd.record("linear", () -> "for Y = X @ W^T + b (W stored [out, in], rows " + rowStart + " to " + (rowStart + n)
                + " used): dX = dY @ W, dW = dY^T @ X in those rows, db = dY summed over the rows of X", y, (g, need) -> {
            float[] dy = g.data();
            Tensor[] grads = new Tensor[need.length];
            if (need[0]) {
                float[] dx = RecycledArrays.take(m * k);
                Gemms.get().sgemm(false, false, m, k, n, 1f, dy, 0, n, weight.data(), wOff, k, 0f, dx, 0, k);
                grads[0] = Tensor.ofRecyclable(dx, s);
            }
            if (need[1]) {
                float[] dw = new float[weight.size()];
                Gemms.get().sgemm(true, false, n, k, m, 1f, dy, 0, n, x.data(), 0, k, 0f, dw, wOff, k);
                grads[1] = Tensor.of(dw, weight.shape());
            }
            if (need.length > 2 && need[2]) {
                float[] db = new float[bias.size()];
                ColumnSums.addInto(dy, 0, m, n, db, rowStart);
                grads[2] = Tensor.of(db, bias.shape());
            }
            return grads;
        }, inputs);
    }

    /**
     * An initialiser for a weight stored [out, in]: hands {@code init} the fans of that layout (fan-in = in), where
     * {@link Initializers#fans} reads a rank-2 shape as Dense's [in, out].
     */
    static Initializer outInLayout(Initializer init) {
        return new Initializer() {
            @Override
            public Tensor create(int[] shape, int ignoredIn, int ignoredOut, Rng rng) {
                return init.create(shape, shape[1], shape[0], rng);
            }

            @Override
            public String name() {
                return init.name();
            }
        };
    }

    /** A bias initialiser given the fans of its [out, in] weight (PyTorch's bias bound is 1/sqrt(in)). */
    static Initializer withFans(Initializer init, int fanIn, int fanOut) {
        return new Initializer() {
            @Override
            public Tensor create(int[] shape, int ignoredIn, int ignoredOut, Rng rng) {
                return init.create(shape, fanIn, fanOut, rng);
            }

            @Override
            public String name() {
                return init.name();
            }
        };
    }
}
