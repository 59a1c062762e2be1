package dev.nabla.nn;

import dev.nabla.autograd.Autograd;
import dev.nabla.kernels.MaxPool2x2;
import dev.nabla.kernels.Parallel;
import dev.nabla.tensor.Shape;
import dev.nabla.tensor.Tensor;

import java.util.Map;

/**
 * Max or average pooling over pool x pool windows of NCHW images, moved by {@code stride}, without padding
 * (windows that do not fit are dropped, as PyTorch and Keras 'valid'). Direct loops; the backward pass of max pooling
 * finds each window's winning position again and routes the gradient there.
 */
public abstract class Pool2D extends Layer {

    private final int pool;
    private final int stride;
    private final boolean max;

    Pool2D(String name, int pool, int stride, boolean max) {
        super(name);
        if (pool <= 0 || stride <= 0) throw new IllegalArgumentException(type() + ": pool size and stride must be positive, got " + pool + ", " + stride);
        this.pool = pool;
        this.stride = stride;
        this.max = max;
    }

    @Override
    protected Tensor forward(Tensor x) {
        requireRank(x, 4, "[batch, channels, height, width]");
        int[] s = x.shape();
        int n = s[0], c = s[1], h = s[2], w = s[3];
        int oh = h >= pool ? (h - pool) / stride + 1 : 0, ow = w >= pool ? (w - pool) / stride + 1 : 0;
        if (oh == 0 || ow == 0) throw new IllegalArgumentException(name() + ": pool " + pool + " does not fit input " + Shape.str(s));
        float[] in = x.data(), out = new float[n * c * oh * ow];
        float inv = 1f / (pool * pool);
        boolean twoByTwo = max && pool == 2 && stride == 2;
        MaxPool2x2.Plan plan = twoByTwo ? new MaxPool2x2.Plan(w, oh, ow) : null;
        Parallel.forRange(n * c, 4, (from, to) -> {
            for (int plane = from; plane < to; plane++) {
                int src = plane * h * w, dst = plane * oh * ow;
                if (twoByTwo) {
                    MaxPool2x2.forward(plan, in, src, out, dst, null);
                    continue;
                }
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        int base = src + oy * stride * w + ox * stride;
                        if (max) {
                            out[dst + oy * ow + ox] = in[winner(in, base, w)];
                        } else {
                            float sum = 0;
                            for (int ky = 0; ky < pool; ky++) for (int kx = 0; kx < pool; kx++) sum += in[base + ky * w + kx];
                            out[dst + oy * ow + ox] = sum * inv;
                        }
                    }
                }
            }
        });
        Tensor y = Tensor.of(out, n, c, oh, ow);
        // Max pooling finds each window's winner again in the backward pass rather than keeping an index per output.
        return Autograd.record(max ? "max_pool2d" : "avg_pool2d", () -> max
                ? "the gradient goes to the winning position of each window (the first maximum, or the last NaN)"
                : "the gradient is shared equally by each window's positions", y, (g, need) -> {
            float[] go = g.data(), dx = new float[in.length];
            Parallel.forRange(n * c, 4, (from, to) -> {
                for (int plane = from; plane < to; plane++) {
                    int src = plane * h * w, dst = plane * oh * ow;
                    if (twoByTwo) {
                        maxPool2x2Backward(in, src, w, oh, ow, go, dst, dx);
                        continue;
                    }
                    for (int oy = 0; oy < oh; oy++) {
                        for (int ox = 0; ox < ow; ox++) {
                            int o = dst + oy * ow + ox, base = src + oy * stride * w + ox * stride;
                            if (max) {
                                dx[winner(in, base, w)] += go[o];
                            } else {
                                float share = go[o] * inv;
                                for (int ky = 0; ky < pool; ky++) for (int kx = 0; kx < pool; kx++) dx[base + ky * w + kx] += share;
                            }
                        }
                    }
                }
            });
            return new Tensor[] {Tensor.of(dx, s)};
        }, x);
    }

    /**
     * Index of the largest input in the window at {@code base}; the first of equal maxima in row-major order wins. A NaN
     * beats every number (the last NaN wins, as in PyTorch), so it is propagated rather than skipped.
     */
    private int winner(float[] in, int base, int w) {
        int best = base;
        for (int ky = 0; ky < pool; ky++) {
            for (int kx = 0; kx < pool; kx++) {
                int i = base + ky * w + kx;
                if (in[i] > in[best] || in[i] != in[i]) best = i;
            }
        }
        return best;
    }

    /** The backward pass of {@link MaxPool2x2}: each window's gradient goes to its winner in dx; windows do not overlap. */
    private static void maxPool2x2Backward(float[] in, int src, int w, int oh, int ow, float[] go, int dst, float[] dx) {
        for (int oy = 0; oy < oh; oy++) {
            int top = src + 2 * oy * w, o = dst + oy * ow;
            for (int ox = 0; ox < ow; ox++) {
                int i = top + 2 * ox, corner = MaxPool2x2.corner(in, i, w);
                dx[i + (corner >> 1) * w + (corner & 1)] = go[o + ox];
            }
        }
    }

    public int poolSize() {
        return pool;
    }

    public int stride() {
        return stride;
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = super.config();
        c.put("pool_size", pool);
        c.put("stride", stride);
        return c;
    }
}
