package dev.nabla.nn;

/**
 * The maximum over the time axis: [batch, steps, features] to [batch, features] (channels_last, the default, as Keras),
 * or [batch, channels, length] to [batch, channels] (channels_first, for a {@link Conv1D}'s output). Padded steps are
 * left out (see {@link GlobalPooling1D}).
 */
public class GlobalMaxPooling1D extends GlobalPooling1D {

    public GlobalMaxPooling1D() {
        this(null, DataFormat.CHANNELS_LAST);
    }

    public GlobalMaxPooling1D(DataFormat format) {
        this(null, format);
    }

    public GlobalMaxPooling1D(String name, DataFormat format) {
        super(name, format, true);
    }
}
