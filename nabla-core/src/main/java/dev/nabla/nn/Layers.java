package dev.nabla.nn;

import dev.nabla.io.JsonFields;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Rebuilds layers from their {@link Layer#config()} (model files use this). Register a factory for your own layer
 * types with {@link #register}.
 */
public final class Layers {

    private static final Map<String, Function<Map<String, Object>, Layer>> CUSTOM = new ConcurrentHashMap<>();

    private Layers() {}

    public static void register(String type, Function<Map<String, Object>, Layer> factory) {
        CUSTOM.put(type, factory);
    }

    public static Layer fromConfig(Map<String, Object> c) {
        return fromConfig(c, "layer");
    }

    /**
     * The layer a config describes; {@code where} is the config's path in its file (e.g. {@code model.layers[2]}),
     * which errors name: {@code model.layers[2].units: expected a positive integer, got "abc"}.
     */
    public static Layer fromConfig(Map<String, Object> c, String where) {
        JsonFields f = new JsonFields(c, where);
        String type = f.requireString("type");
        try {
            Layer layer = create(type, f, c);
            if (f.has("trainable") && !f.requireBoolean("trainable")) layer.setTrainable(false);
            return layer;
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(where)) throw e;
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e); // a constructor's own check
        }
    }

    private static Layer create(String type, JsonFields f, Map<String, Object> c) {
        String name = f.optionalString("name", null);
        switch (type) {
            case "Dense":
                return new Dense(name, f.requirePositiveInt("units"), activation(f), initializer(f, "kernel_initializer"),
                        initializer(f, "bias_initializer"), f.requireBoolean("use_bias"));
            case "Conv2D":
                return new Conv2D(name, f.requirePositiveInt("filters"), f.requirePositiveInt("kernel_size"), f.requirePositiveInt("stride"),
                        padding(f), f.requireBoolean("use_bias"), activation(f),
                        initializer(f, "kernel_initializer"), initializer(f, "bias_initializer"));
            case "Embedding":
                return new Embedding(name, f.requirePositiveInt("input_dim"), f.requirePositiveInt("output_dim"), f.requireInt("padding_index"),
                        initializer(f, "embeddings_initializer"));
            case "CategoryEmbedding":
                return new CategoryEmbedding(name, f.requireShape("index_columns"), f.requirePositiveShape("vocabulary_sizes"), f.requirePositiveShape("dims"));
            case "Conv1D":
                return new Conv1D(name, f.requirePositiveInt("filters"), f.requirePositiveInt("kernel_size"), f.requirePositiveInt("stride"),
                        conv1dPadding(f), f.requirePositiveInt("dilation"), f.requireBoolean("use_bias"), activation(f),
                        initializer(f, "kernel_initializer"), initializer(f, "bias_initializer"));
            case "MaxPool2D": return new MaxPool2D(name, f.requirePositiveInt("pool_size"), f.requirePositiveInt("stride"));
            case "AvgPool2D": return new AvgPool2D(name, f.requirePositiveInt("pool_size"), f.requirePositiveInt("stride"));
            case "GlobalAveragePooling2D": return new GlobalAveragePooling2D(name);
            case "MaxPool1D": return new MaxPool1D(name, f.requirePositiveInt("pool_size"), f.requirePositiveInt("stride"));
            case "AvgPool1D": return new AvgPool1D(name, f.requirePositiveInt("pool_size"), f.requirePositiveInt("stride"));
            case "GlobalAveragePooling1D": return new GlobalAveragePooling1D(name, dataFormat(f));
            case "GlobalMaxPooling1D": return new GlobalMaxPooling1D(name, dataFormat(f));
            case "Flatten": return new Flatten(name);
            case "Reshape": return new Reshape(name, f.requirePositiveShape("target_shape"));
            case "Permute": return new Permute(name, f.requirePositiveShape("dims"));
            case "RepeatVector": return new RepeatVector(name, f.requirePositiveInt("n"));
            case "ZeroPadding2D": return new ZeroPadding2D(name, f.requireShape("padding"));
            case "UpSampling2D": return new UpSampling2D(name, f.requirePositiveShape("size"));
            case "Dropout": return new Dropout(name, f.requireDouble("rate"));
            case "BatchNormalization": return new BatchNormalization(name, f.requireDouble("momentum"), f.requireDouble("epsilon"));
            case "LayerNormalization": return new LayerNormalization(name, f.requireDouble("epsilon"));
            case "ActivationLayer": return new ActivationLayer(name, activation(f));
            case "Add": return new Add(name);
            case "Subtract": return new Subtract(name);
            case "Multiply": return new Multiply(name);
            case "Average": return new Average(name);
            case "Maximum": return new Maximum(name);
            case "Minimum": return new Minimum(name);
            case "Dot": {
                int[] axes = twoAxes(f, "axes");
                return new Dot(name, axes[0], axes[1], f.requireBoolean("normalize"));
            }
            case "Concatenate": return new Concatenate(name, f.requireInt("axis"));
            case "SimpleRNN": return new SimpleRNN(name, f.requirePositiveInt("units"), f.requireBoolean("return_sequences"));
            case "LSTM": return new LSTM(name, f.requirePositiveInt("units"), f.requireBoolean("return_sequences"));
            case "GRU": return new GRU(name, f.requirePositiveInt("units"), f.requireBoolean("return_sequences"));
            case "Bidirectional": return Bidirectional.fromConfig(name, f);
            case "MultiHeadAttention":
                return new MultiHeadAttention(name, f.requirePositiveInt("heads"), f.requirePositiveInt("key_dim"), f.requireBoolean("causal"));
            case "PositionalEmbedding":
                return new PositionalEmbedding(name, f.requirePositiveInt("max_length"), f.requirePositiveInt("dim"), initializer(f, "initializer"));
            case "SinusoidalPositionalEmbedding": return new SinusoidalPositionalEmbedding(name);
            case "TransformerEncoderLayer":
                return new TransformerEncoderLayer(name, f.requirePositiveInt("d_model"), f.requirePositiveInt("heads"), f.requirePositiveInt("dim_feedforward"),
                        f.requireDouble("dropout"), feedForwardActivation(f), f.requireBoolean("norm_first"), f.requireDouble("epsilon"));
            case "TransformerDecoderLayer":
                return new TransformerDecoderLayer(name, f.requirePositiveInt("d_model"), f.requirePositiveInt("heads"), f.requirePositiveInt("dim_feedforward"),
                        f.requireDouble("dropout"), feedForwardActivation(f), f.requireBoolean("norm_first"), f.requireDouble("epsilon"));
            default:
                Function<Map<String, Object>, Layer> factory = CUSTOM.get(type);
                if (factory == null) throw f.error("type", "unknown layer type '" + type + "'; register it with Layers.register(\"" + type + "\", config -> ...)");
                return factory.apply(c);
        }
    }

    /** Two whole numbers, maybe negative (axes counted from the end). */
    private static int[] twoAxes(JsonFields f, String key) {
        List<?> l = f.requireList(key);
        boolean ok = l.size() == 2;
        for (Object v : l) ok &= v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue()) && Math.abs(n.doubleValue()) < 1000;
        if (!ok) throw f.error(key, "expected two axes (integers), got " + l);
        return new int[] {((Number) l.get(0)).intValue(), ((Number) l.get(1)).intValue()};
    }

    private static Activation activation(JsonFields f) {
        String name = f.requireString("activation");
        try {
            return Activation.parse(name);
        } catch (IllegalArgumentException e) {
            throw f.error("activation", e.getMessage());
        }
    }

    private static TransformerBlock.FeedForwardActivation feedForwardActivation(JsonFields f) {
        String a = f.requireString("activation");
        switch (a) {
            case "relu": return TransformerBlock.FeedForwardActivation.RELU;
            case "gelu": return TransformerBlock.FeedForwardActivation.GELU;
            default: throw f.error("activation", "expected \"relu\" or \"gelu\", got \"" + a + "\"");
        }
    }

    private static Initializer initializer(JsonFields f, String key) {
        try {
            return Initializers.fromConfig(f.map().get(key));
        } catch (IllegalArgumentException e) {
            throw f.error(key, e.getMessage());
        }
    }

    /** "valid", "same" or a number of zeros on each side; as the Conv1D constructor's padding (-1 for SAME). */
    private static int conv1dPadding(JsonFields f) {
        Object p = f.map().get("padding");
        if (p instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue()) && n.doubleValue() >= 0 && n.doubleValue() < Integer.MAX_VALUE) {
            return n.intValue();
        }
        if ("valid".equalsIgnoreCase(String.valueOf(p))) return 0;
        if ("same".equalsIgnoreCase(String.valueOf(p))) return -1;
        throw f.error("padding", "expected \"valid\", \"same\" or a number of zeros (at least 0), got " + JsonFields.show(p));
    }

    private static DataFormat dataFormat(JsonFields f) {
        try {
            return DataFormat.parse(f.requireString("data_format"));
        } catch (IllegalArgumentException e) {
            throw f.error("data_format", e.getMessage());
        }
    }

    private static Padding padding(JsonFields f) {
        String p = f.requireString("padding");
        switch (p.toLowerCase(Locale.ROOT)) {
            case "valid": return Padding.VALID;
            case "same": return Padding.SAME;
            default: throw f.error("padding", "expected \"valid\" or \"same\", got \"" + p + "\"");
        }
    }
}
