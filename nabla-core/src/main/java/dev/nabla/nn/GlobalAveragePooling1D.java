package dev.nabla.nn;

/**
 * The mean over the time axis: [batch, steps, features] to [batch, features] (channels_last, the default, as Keras),
 * or [batch, channels, length] to [batch, channels] (channels_first, for a {@link Conv1D}'s output). Padded steps are
 * left out of the mean (see {@link GlobalPooling1D}).
 */
public class GlobalAveragePooling1D extends GlobalPooling1D {

    public GlobalAveragePooling1D() {
        this(null, DataFormat.CHANNELS_LAST);
    }

    public GlobalAveragePooling1D(DataFormat format) {
        this(null, format);
    }

    public GlobalAveragePooling1D(String name, DataFormat format) {
        super(name, format, false);
    }
}
