package dev.nabla.nn;

import dev.nabla.autograd.Autograd;
import dev.nabla.kernels.Elementwise;
import dev.nabla.kernels.Gemm;
import dev.nabla.kernels.Gemms;
import dev.nabla.kernels.MaxPool2x2;
import dev.nabla.kernels.Parallel;
import dev.nabla.tensor.Tensor;

import java.util.Arrays;

/**
 * The fused op of a ReLU {@link Conv2D} followed by a 2x2, stride-2 {@link MaxPool2D}: {@code maxPool2x2(relu(
 * conv2d(x)))} as one op, image by image. Each image's convolution output lives only in a per-thread buffer, so the
 * batch-sized output that the separate layers write, read, and later take apart again for the gradient (11 MB per
 * step in W5's first layer, three times over) is never stored. What is kept instead is the pooled output and which
 * corner of each window won. Values and gradients are exactly those of the ops in turn; a window whose maximum is not
 * positive passes no gradient (the ReLU's mask). When it runs is {@link Fusions}'s decision.
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
        float[] out = new float[g.n() * filters * pooled];
        byte[] corners = new byte[out.length];
        Gemm gemm = Gemms.get();
        MaxPool2x2.Plan plan = new MaxPool2x2.Plan(outW, ph, pw);
        Parallel.forRange(g.n(), 1, (from, to) -> {
            float[] cols = Convolution.Scratch.get(Convolution.Scratch.COLUMNS, rows * plane);
            float[] conv = Convolution.Scratch.get(Convolution.Scratch.SAMPLE, filters * plane);
            for (int n = from; n < to; n++) {
                g.im2col(in, n, cols);
                gemm.sgemm(false, false, filters, plane, rows, 1f, w, 0, rows, cols, 0, plane, 0f, conv, 0, plane);
                Convolution.addBias(conv, 0, filters, plane, b, true);
                for (int f = 0; f < filters; f++) {
                    MaxPool2x2.forward(plan, conv, f * plane, out, (n * filters + f) * pooled, corners);
                }
            }
        });
        Tensor y = Tensor.of(out, g.n(), filters, ph, pw);
        Tensor[] inputs = bias != null ? new Tensor[] {x, kernel, bias} : new Tensor[] {x, kernel};
        return Autograd.record("conv2d_relu_maxpool2d", () -> "each window's gradient goes to its winning position if the"
                + " maximum was positive (or NaN), then as conv2d", y, (grad, need) -> {
            float[] dy = grad.data();
            return Convolution.backward(need, in, g, kernel, new Convolution.SampleGradient() {
                @Override
                public void fill(int n, float[] d) {
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
                    for (int f = 0; f < filters; f++) {
                        double sum = 0;
                        for (int o = (n * filters + f) * pooled, end = o + pooled; o < end; o++) sum += Elementwise.reluGradientFromOutput(out[o], dy[o]);
                        db[f] += sum;
                    }
                }
            });
        }, inputs);
    }
}
