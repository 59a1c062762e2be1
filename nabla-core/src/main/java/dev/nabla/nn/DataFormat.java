package dev.nabla.nn;

import java.util.Locale;

/**
 * Where a sequence's time axis is. CHANNELS_LAST is [batch, steps, features], as Keras's layers and what an
 * {@link Embedding} or a recurrent layer gives; CHANNELS_FIRST is [batch, channels, length], as PyTorch's and what a
 * {@link Conv1D} gives.
 */
public enum DataFormat {
    CHANNELS_LAST,
    CHANNELS_FIRST;

    /** The name in configs, as Keras's: "channels_last" or "channels_first". */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The format a config names. */
    public static DataFormat parse(String name) {
        for (DataFormat f : values()) if (f.configName().equalsIgnoreCase(name)) return f;
        throw new IllegalArgumentException("expected \"channels_last\" or \"channels_first\", got \"" + name + "\"");
    }
}
