package dev.nabla.nn;

import dev.nabla.autograd.Autograd;
import dev.nabla.autograd.StepArrays;
import dev.nabla.kernels.ConvPool2x2;
import dev.nabla.kernels.Elementwise;
import dev.nabla.kernels.Gemm;
import dev.nabla.kernels.Gemms;
import dev.nabla.kernels.MaxPool2x2;
import dev.nabla.kernels.PackedA;
import dev.nabla.kernels.Parallel;
import dev.nabla.tensor.Tensor;

import java.util.Arrays;

/**
 * The fused op of a ReLU {@link Conv2D} followed by a 2x2, stride-2 {@link MaxPool2D}: {@code maxPool2x2(relu(
 * conv2d(x)))} as one op, image by image. Each image's convolution output lives only in a per-thread buffer, so the
 * batch-sized output that the separate layers write, read, and later take apart again for the gradient (11 MB per
 * step in W5's first layer, three times over) is never stored. What is kept instead is the pooled output and which
 * corner of each window won. A window whose maximum is not positive passes no gradient (the ReLU's mask). Stride 1
 * with few taps (a first layer) runs window by window ({@link ConvPool2x2}): no columns, no convolution output, and a
 * gradient made of whole vectors; its kernel and bias gradients are summed in another order. Otherwise the values and
 * gradients are exactly those of the ops in turn. When it runs is {@link Fusions}'s decision.
 */
final class ConvReluMaxPool {

    private ConvReluMaxPool() {
    }

    /** x [n, c, h, w], kernel [f, c, k, k], bias [f] or null; the convolution's output must be at least 2x2. */
    static Tensor apply(Tensor x, Tensor kernel, Tensor bias, int stride, Padding padding) {
        int filters = kernel.dim(0);
        Convolution.Images g = Convolution.Images.of(x.shape(), kernel.dim(2), stride, padding);
        int rows = g.rows(), plane = g.columns(), outW = g.outW(), ph = g.outH() / 2, pw = outW / 2, pooled = ph * pw;
        float[] in = x.data(), w = kernel.data(), b = bias == null ? null : bias.data();
        Tensor[] inputs = bias != null ? new Tensor[] {x, kernel, bias} : new Tensor[] {x, kernel};
        // Every window of every image is written (by the direct kernel or the pool), so a recycled array will do: new
        // ones, 3.6 MB a W5 step, made its epochs 7% slower. (Recycling the corners too, 0.9 MB, measured the same.)
        float[] out = StepArrays.forOutput(g.n() * filters * pooled, inputs);
        byte[] corners = new byte[out.length];
        ConvPool2x2.Plan direct = direct(g, in);
        Gemm gemm = Gemms.get();
        PackedA kernelRows = gemm.packA(false, filters, rows, w, 0, rows); // once, not once per sample
        MaxPool2x2.Plan plan = new MaxPool2x2.Plan(outW, ph, pw, filters, plane); // every filter's plane in one call
        Parallel.forRange(g.n(), 1, (from, to) -> {
            for (int n = from; n < to; n++) {
                int image = n * filters * pooled;
                if (direct != null && ConvPool2x2.forward(direct, in, n, w, b, filters, out, image, corners)) continue;
                // The convolution of the sample, its bias and ReLU, then the pool of every filter's plane.
                float[] cols = Convolution.Scratch.get(Convolution.Scratch.COLUMNS, rows * plane);
                float[] conv = Convolution.Scratch.get(Convolution.Scratch.SAMPLE, filters * plane);
                g.im2col(in, n, cols);
                gemm.sgemm(kernelRows, false, plane, 1f, cols, 0, plane, 0f, conv, 0, plane);
                Convolution.addBias(conv, 0, filters, plane, b, true);
                MaxPool2x2.forward(plan, conv, 0, out, image, corners);
            }
        });
        Tensor y = Tensor.of(out, g.n(), filters, ph, pw);
        return Autograd.record("conv2d_relu_maxpool2d", () -> "each window's gradient goes to its winning position if the"
                + " maximum was positive (or NaN), then as conv2d", y, (grad, need) -> {
            PooledGradient source = new PooledGradient(out, grad.data(), corners, filters, g);
            if (direct == null) return Convolution.backward(need, in, g, kernel, source);
            boolean[] inputOnly = new boolean[need.length];
            inputOnly[0] = need[0];
            Tensor[] grads = need[0] ? Convolution.backward(inputOnly, in, g, kernel, source) : new Tensor[need.length];
            boolean needBias = need.length > 2 && need[2];
            if (need[1] || needBias) {
                int samples = g.n(), chunk = Convolution.chunkSize(samples), chunks = (samples + chunk - 1) / chunk;
                float[][] dk = new float[chunks][];
                double[][] db = new double[chunks][];
                Parallel.forEachChunk(samples, chunk, (from, to) -> {
                    dk[from / chunk] = new float[filters * rows];
                    db[from / chunk] = new double[filters];
                    ConvPool2x2.kernelGradient(direct, in, out, grad.data(), corners, filters, from, to, dk[from / chunk], db[from / chunk]);
                });
                if (need[1]) grads[1] = Convolution.sumOfChunks(dk, kernel.shape());
                if (needBias) grads[2] = Convolution.sumOfChunks(db);
            }
            return grads;
        }, inputs);
    }

    /**
     * The window-by-window kernel's plan ({@link ConvPool2x2}: stride 1, few taps), or null for the GEMM. Only for
     * finite inputs: its gradient multiplies the zero gradient of the corners that lost by their inputs.
     */
    private static ConvPool2x2.Plan direct(Convolution.Images g, float[] in) {
        if (g.stride() != 1) return null;
        ConvPool2x2.Plan plan = ConvPool2x2.plan(g.c(), g.h(), g.w(), g.k(), g.padTop(), g.padLeft(), g.outH(), g.outW());
        return plan != null && ConvPool2x2.allFinite(in) ? plan : null;
    }

    /**
     * Sample n's gradient with respect to the convolution's output: each window's gradient at its winning position
     * when the maximum was positive (or NaN), zero elsewhere.
     */
    private record PooledGradient(float[] out, float[] dy, byte[] corners, int filters, Convolution.Images g)
            implements Convolution.SampleGradient {

        @Override
        public void fill(int n, float[] d) {
            int plane = g.columns(), outW = g.outW(), ph = g.outH() / 2, pw = outW / 2, pooled = ph * pw;
            Arrays.fill(d, 0, filters * plane, 0f);
            for (int f = 0; f < filters; f++) {
                for (int py = 0; py < ph; py++) {
                    for (int px = 0; px < pw; px++) {
                        int o = (n * filters + f) * pooled + py * pw + px;
                        // Written whether or not the maximum was positive (then as 0): a branch here is unpredictable.
                        int corner = corners[o];
                        d[f * plane + (2 * py + (corner >> 1)) * outW + 2 * px + (corner & 1)] = Elementwise.reluGradientFromOutput(out[o], dy[o]);
                    }
                }
            }
        }

        /** Only the windows' winners are not zero: their sum, in window order (a quarter of the adds). */
        @Override
        public void addBiasSums(int n, float[] d, int filters, int plane, double[] db) {
            int pooled = g.outH() / 2 * (g.outW() / 2);
            for (int f = 0; f < filters; f++) {
                double sum = 0;
                for (int o = (n * filters + f) * pooled, end = o + pooled; o < end; o++) sum += Elementwise.reluGradientFromOutput(out[o], dy[o]);
                db[f] += sum;
            }
        }
    }
}
