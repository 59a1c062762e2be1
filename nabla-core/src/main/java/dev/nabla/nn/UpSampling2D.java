package dev.nabla.nn;

import dev.nabla.autograd.Autograd;
import dev.nabla.kernels.Parallel;
import dev.nabla.tensor.Tensor;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Nearest-neighbour upsampling of NCHW images by integer factors, as Keras' UpSampling2D and PyTorch's
 * {@code Upsample(mode="nearest")}: each pixel becomes an sh x sw block. The size is one factor for both axes or
 * (height, width). A dedicated op (U-Nets run it on every decoder level): the backward pass sums each block.
 */
public class UpSampling2D extends Layer {

    private final int sh, sw;

    public UpSampling2D(int... size) {
        this(null, size);
    }

    public UpSampling2D(String name, int... size) {
        super(name);
        if ((size.length != 1 && size.length != 2) || Arrays.stream(size).anyMatch(v -> v <= 0)) {
            throw new IllegalArgumentException(name() + ": size " + Arrays.toString(size)
                    + " must be 1 or 2 positive factors (both axes, or height and width)");
        }
        sh = size[0];
        sw = size[size.length - 1];
    }

    @Override
    protected Tensor forward(Tensor x) {
        outputShape(x.shape());
        return upsampleNearest(x, sh, sw);
    }

    @Override
    public int[] outputShape(int[] inputShape) {
        if (inputShape.length != 4) throw shapeError("[batch, channels, height, width]", inputShape);
        return new int[] {inputShape[0], inputShape[1], inputShape[2] * sh, inputShape[3] * sw};
    }

    /**
     * The op: out[n, c, y, x] = in[n, c, y / sh, x / sw] (integer division) for an NCHW tensor; its gradient at each
     * input pixel is the sum of the gradient over that pixel's sh x sw block.
     */
    public static Tensor upsampleNearest(Tensor x, int sh, int sw) {
        int[] s = x.shape();
        if (s.length != 4 || sh <= 0 || sw <= 0) throw new IllegalArgumentException("upsample_nearest2d: needs an NCHW tensor and "
                + "positive factors, got " + Arrays.toString(s) + " by (" + sh + ", " + sw + ")");
        int planes = s[0] * s[1], h = s[2], w = s[3], oh = h * sh, ow = w * sw;
        float[] in = x.data(), out = new float[planes * oh * ow];
        Parallel.forRange(planes, 4, (from, to) -> {
            for (int p = from; p < to; p++) {
                for (int y = 0; y < h; y++) {
                    int src = (p * h + y) * w, row = (p * oh + y * sh) * ow;
                    for (int i = 0; i < w; i++) Arrays.fill(out, row + i * sw, row + (i + 1) * sw, in[src + i]);
                    for (int r = 1; r < sh; r++) System.arraycopy(out, row, out, row + r * ow, ow); // the block's other rows
                }
            }
        });
        return Autograd.record("upsample_nearest2d", () -> "each input pixel was copied to an " + sh + " x " + sw
                + " block: its gradient is the sum of the gradient over that block", Tensor.of(out, s[0], s[1], oh, ow), (g, need) -> {
            float[] go = g.data(), dx = new float[in.length];
            Parallel.forRange(planes, 4, (from, to) -> {
                for (int p = from; p < to; p++) {
                    for (int y = 0; y < h; y++) {
                        int dst = (p * h + y) * w;
                        for (int r = 0; r < sh; r++) {
                            int row = (p * oh + y * sh + r) * ow;
                            for (int i = 0; i < w; i++) {
                                float sum = 0;
                                for (int k = 0; k < sw; k++) sum += go[row + i * sw + k];
                                dx[dst + i] += sum;
                            }
                        }
                    }
                }
            });
            return new Tensor[] {Tensor.of(dx, s)};
        }, x);
    }

    /** {height factor, width factor}. */
    public int[] size() {
        return new int[] {sh, sw};
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = super.config();
        c.put("size", List.of(sh, sw));
        return c;
    }
}
