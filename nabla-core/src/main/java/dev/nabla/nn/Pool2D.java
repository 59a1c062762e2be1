package dev.nabla.nn;

import dev.nabla.autograd.Autograd;
import dev.nabla.kernels.Parallel;
import dev.nabla.tensor.Shape;
import dev.nabla.tensor.Tensor;

import java.util.Map;

/**
 * Max or average pooling over pool x pool windows of NCHW images, moved by {@code stride}, without padding
 * (windows that do not fit are dropped, as PyTorch and Keras 'valid'). Direct loops; max pooling remembers the
 * winning position of each window so that its backward pass routes the gradient there.
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
        int[] winners = max ? new int[out.length] : null;
        float inv = 1f / (pool * pool);
        Parallel.forRange(n * c, 4, (from, to) -> {
            for (int plane = from; plane < to; plane++) {
                int src = plane * h * w, dst = plane * oh * ow;
                if (max && pool == 2 && stride == 2) {
                    maxPool2x2(in, src, w, oh, ow, out, winners, dst);
                    continue;
                }
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        int base = src + oy * stride * w + ox * stride;
                        if (max) {
                            int best = base;
                            for (int ky = 0; ky < pool; ky++) {
                                for (int kx = 0; kx < pool; kx++) {
                                    int i = base + ky * w + kx;
                                    if (in[i] > in[best]) best = i;
                                }
                            }
                            out[dst + oy * ow + ox] = in[best];
                            winners[dst + oy * ow + ox] = best;
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
        return Autograd.record(max ? "max_pool2d" : "avg_pool2d", y, (g, need) -> {
            float[] go = g.data(), dx = new float[in.length];
            Parallel.forRange(n * c, 4, (from, to) -> {
                for (int plane = from; plane < to; plane++) {
                    int src = plane * h * w, dst = plane * oh * ow;
                    for (int oy = 0; oy < oh; oy++) {
                        for (int ox = 0; ox < ow; ox++) {
                            int o = dst + oy * ow + ox;
                            if (max) {
                                dx[winners[o]] += go[o];
                            } else {
                                int base = src + oy * stride * w + ox * stride;
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
     * The common 2x2, stride-2 max pool of one plane, unrolled: the first of equal maxima wins, in the generic
     * loop's order (top-left, top-right, bottom-left, bottom-right).
     */
    private static void maxPool2x2(float[] in, int src, int w, int oh, int ow, float[] out, int[] winners, int dst) {
        for (int oy = 0; oy < oh; oy++) {
            int top = src + 2 * oy * w, o = dst + oy * ow;
            for (int ox = 0; ox < ow; ox++) {
                int i = top + 2 * ox;
                float best = in[i];
                int at = i;
                float v = in[i + 1];
                if (v > best) { best = v; at = i + 1; }
                v = in[i + w];
                if (v > best) { best = v; at = i + w; }
                v = in[i + w + 1];
                if (v > best) { best = v; at = i + w + 1; }
                out[o + ox] = best;
                winners[o + ox] = at;
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
