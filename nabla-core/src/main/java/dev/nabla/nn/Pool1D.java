package dev.nabla.nn;

import dev.nabla.autograd.Autograd;
import dev.nabla.kernels.Parallel;
import dev.nabla.tensor.Shape;
import dev.nabla.tensor.Tensor;

import java.util.Map;

/**
 * Max or average pooling over windows of {@code pool} steps of [batch, channels, length] sequences, moved by
 * {@code stride}, without padding, as PyTorch's {@code MaxPool1d} / {@code AvgPool1d}: outLength =
 * floor((length - pool) / stride) + 1 (a window that does not fit is dropped). The stride defaults to the pool size.
 */
public abstract class Pool1D extends Layer {

    private final int pool;
    private final int stride;
    private final boolean max;

    Pool1D(String name, int pool, int stride, boolean max) {
        super(name);
        if (pool <= 0 || stride <= 0) throw new IllegalArgumentException(type() + ": pool size and stride must be positive, got " + pool + ", " + stride);
        this.pool = pool;
        this.stride = stride;
        this.max = max;
    }

    @Override
    protected Tensor forward(Tensor x) {
        requireRank(x, 3, "[batch, channels, length]");
        int[] s = x.shape();
        int planes = s[0] * s[1], l = s[2], outL = l >= pool ? (l - pool) / stride + 1 : 0;
        if (outL == 0) throw new IllegalArgumentException(name() + ": pool " + pool + " does not fit input " + Shape.str(s));
        float[] in = x.data(), out = new float[planes * outL];
        float inv = 1f / pool;
        Parallel.forRange(planes, 16, (from, to) -> {
            for (int p = from; p < to; p++) {
                for (int o = 0; o < outL; o++) {
                    int base = p * l + o * stride;
                    if (max) {
                        out[p * outL + o] = in[winner(in, base)];
                    } else {
                        float sum = 0;
                        for (int j = 0; j < pool; j++) sum += in[base + j];
                        out[p * outL + o] = sum * inv;
                    }
                }
            }
        });
        Tensor y = Tensor.of(out, s[0], s[1], outL);
        return Autograd.record(max ? "max_pool1d" : "avg_pool1d", () -> max
                ? "the gradient goes to the winning position of each window (the first maximum, or the last NaN)"
                : "the gradient is shared equally by each window's positions", y, (g, need) -> {
            float[] go = g.data(), dx = new float[in.length];
            Parallel.forRange(planes, 16, (from, to) -> {
                for (int p = from; p < to; p++) {
                    for (int o = 0; o < outL; o++) {
                        int base = p * l + o * stride;
                        float grad = go[p * outL + o];
                        if (max) {
                            dx[winner(in, base)] += grad;
                        } else {
                            for (int j = 0; j < pool; j++) dx[base + j] += grad * inv;
                        }
                    }
                }
            });
            return new Tensor[] {Tensor.of(dx, s)};
        }, x);
    }

    /** Index of the window's largest input; the first of equal maxima wins, and a NaN beats every number (the last NaN wins, as PyTorch). */
    private int winner(float[] in, int base) {
        int best = base;
        for (int i = base + 1; i < base + pool; i++) if (in[i] > in[best] || in[i] != in[i]) best = i;
        return best;
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
