package dev.nabla.nn;

import dev.nabla.tensor.Shape;
import dev.nabla.tensor.Tensor;

import java.util.Map;

/**
 * The mean or the maximum over a sequence's time axis: [batch, steps, features] to [batch, features] in
 * {@link DataFormat#CHANNELS_LAST} (the default, as Keras's {@code GlobalAveragePooling1D}; for an {@link Embedding}'s or a
 * recurrent layer's output), or [batch, channels, length] to [batch, channels] in {@link DataFormat#CHANNELS_FIRST}
 * (as PyTorch's {@code x.mean(2)}; for a {@link Conv1D}'s output).
 *
 * <p>Channels-last pooling takes a padding mask ({@link Masks}): padded steps are left out of the mean and the
 * maximum. A sequence whose steps are all padding pools to 0 (with no gradient), rather than the NaN of 0 / 0.
 */
public abstract class GlobalPooling1D extends Layer implements Masks.Consumer {

    private final DataFormat format;
    private final boolean max;

    GlobalPooling1D(String name, DataFormat format, boolean max) {
        super(name);
        this.format = format == null ? DataFormat.CHANNELS_LAST : format;
        this.max = max;
    }

    private int timeAxis() {
        return format == DataFormat.CHANNELS_LAST ? 1 : 2;
    }

    @Override
    protected Tensor forward(Tensor x) {
        requireRank(x, 3, layout());
        return max ? x.max(timeAxis()) : x.mean(timeAxis());
    }

    private String layout() {
        return format == DataFormat.CHANNELS_LAST ? "[batch, steps, features]" : "[batch, channels, length]";
    }

    @Override
    public Tensor applyMasked(Tensor[] inputs, Tensor[] masks) {
        Tensor x = inputs[0], mask = masks[0];
        requireRank(x, 3, layout());
        if (!isBuilt()) buildFor(x.shape());
        if (format == DataFormat.CHANNELS_FIRST) {
            throw new IllegalArgumentException(name() + ": a padding mask marks the steps of [batch, steps, features] input; this layer is"
                    + " channels_first (it pools axis 2 of [batch, channels, length]), so use channels_last after the masking layer");
        }
        int b = x.dim(0), t = x.dim(1);
        if (mask.rank() != 2 || mask.dim(0) != b || mask.dim(1) != t) {
            throw new IllegalArgumentException(name() + ": the padding mask must be [batch, steps] = [" + b + ", " + t + "] for input "
                    + Shape.str(x.shape()) + ", got " + Shape.str(mask.shape()));
        }
        Tensor keep = mask.reshape(b, t, 1);
        Tensor anyReal = mask.sum(new int[] {1}, true).gt(0f); // [b, 1]: 0 for an all-padding sequence
        if (max) {
            Tensor masked = Tensor.where(keep.gt(0f), x, Tensor.scalar(Float.NEGATIVE_INFINITY));
            return Tensor.where(anyReal, masked.max(1), Tensor.scalar(0f));
        }
        Tensor count = mask.sum(new int[] {1}, true).maximum(Tensor.scalar(1f)); // [b, 1]
        return x.mul(keep).sum(1).div(count);
    }

    /** No time axis is left. */
    @Override
    public Tensor outputMask(Tensor[] masks) {
        return null;
    }

    public DataFormat dataFormat() {
        return format;
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = super.config();
        c.put("data_format", format.configName());
        return c;
    }
}
