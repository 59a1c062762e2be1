package dev.nabla.nn;

import dev.nabla.autograd.Autograd;
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
        Parallel.forRange(n * c, 4, (from, to) -> {
            for (int plane = from; plane < to; plane++) {
                int src = plane * h * w, dst = plane * oh * ow;
                if (twoByTwo) {
                    maxPool2x2(in, src, w, oh, ow, out, dst, null);
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

    /**
     * The common 2x2, stride-2 max pool of one plane, unrolled and without branches on the data: on real images
     * which corner wins is unpredictable, and the branchy loop was 10x slower (a mispredict per window). Among
     * equal maxima the first in the general loop's order wins (top-left, top-right, bottom-left, bottom-right),
     * except that +0 beats -0. Writes each window's maximum to {@code out} and, when {@code corners} is not null,
     * its winning corner (see {@link #corner2x2}) at the same index.
     */
    static void maxPool2x2(float[] in, int src, int w, int oh, int ow, float[] out, int dst, byte[] corners) {
        for (int oy = 0; oy < oh; oy++) {
            int top = src + 2 * oy * w, o = dst + oy * ow;
            for (int ox = 0; ox < ow; ox++) {
                int i = top + 2 * ox;
                float a = in[i], b = in[i + 1], c = in[i + w], d = in[i + w + 1];
                float upper = Math.max(a, b), lower = Math.max(c, d); // the corner reuses the rows' maxima
                out[o + ox] = Math.max(upper, lower);
                if (corners != null) corners[o + ox] = (byte) corner(a, b, c, d, upper, lower);
            }
        }
    }

    /** The backward pass of {@link #maxPool2x2}: each window's gradient goes to its winner in dx; windows do not overlap. */
    private static void maxPool2x2Backward(float[] in, int src, int w, int oh, int ow, float[] go, int dst, float[] dx) {
        for (int oy = 0; oy < oh; oy++) {
            int top = src + 2 * oy * w, o = dst + oy * ow;
            for (int ox = 0; ox < ow; ox++) {
                int i = top + 2 * ox, corner = corner2x2(in, i, w);
                dx[i + (corner >> 1) * w + (corner & 1)] = go[o + ox];
            }
        }
    }

    /**
     * The winning corner of the 2x2 window at {@code i} (row stride w): 2 * row + column, each 0 or 1. A window with a
     * NaN (whose maximum is NaN) is won by its last NaN, as in the general loop; that test is a branch, but one that
     * is always predicted right on real data.
     */
    static int corner2x2(float[] in, int i, int w) {
        float a = in[i], b = in[i + 1], c = in[i + w], d = in[i + w + 1];
        return corner(a, b, c, d, Math.max(a, b), Math.max(c, d));
    }

    /** {@link #corner2x2} of the window a b / c d, given its rows' maxima (NaN if a row holds one). */
    private static int corner(float a, float b, float c, float d, float top, float bottom) {
        if (top != top | bottom != bottom) return d != d ? 3 : c != c ? 2 : b != b ? 1 : 0;
        int right = greater(b, a), lower = greater(bottom, top), rightBelow = greater(d, c);
        return 2 * lower + right + lower * (rightBelow - right);
    }

    /** 1 when y > x, else 0, without a branch: for numbers (not NaN), x - y is negative exactly when y > x. */
    private static int greater(float y, float x) {
        return Float.floatToRawIntBits(x - y) >>> 31;
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
