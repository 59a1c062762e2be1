package dev.nabla.nn;

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
        String type = String.valueOf(c.get("type"));
        String name = (String) c.get("name");
        switch (type) {
            case "Dense":
                return new Dense(name, i(c, "units"), act(c), Initializers.fromConfig(c.get("kernel_initializer")),
                        Initializers.fromConfig(c.get("bias_initializer")), Boolean.TRUE.equals(c.get("use_bias")));
            case "Conv2D":
                return new Conv2D(name, i(c, "filters"), i(c, "kernel_size"), i(c, "stride"),
                        Padding.valueOf(String.valueOf(c.get("padding")).toUpperCase(Locale.ROOT)), Boolean.TRUE.equals(c.get("use_bias")), act(c),
                        Initializers.fromConfig(c.get("kernel_initializer")), Initializers.fromConfig(c.get("bias_initializer")));
            case "MaxPool2D": return new MaxPool2D(name, i(c, "pool_size"), i(c, "stride"));
            case "AvgPool2D": return new AvgPool2D(name, i(c, "pool_size"), i(c, "stride"));
            case "GlobalAveragePooling2D": return new GlobalAveragePooling2D(name);
            case "Flatten": return new Flatten(name);
            case "Reshape": {
                List<?> t = (List<?>) c.get("target_shape");
                int[] shape = new int[t.size()];
                for (int k = 0; k < shape.length; k++) shape[k] = ((Number) t.get(k)).intValue();
                return new Reshape(name, shape);
            }
            case "Dropout": return new Dropout(name, d(c, "rate"));
            case "BatchNormalization": return new BatchNormalization(name, d(c, "momentum"), d(c, "epsilon"));
            case "LayerNormalization": return new LayerNormalization(name, d(c, "epsilon"));
            case "ActivationLayer": return new ActivationLayer(name, act(c));
            default:
                Function<Map<String, Object>, Layer> f = CUSTOM.get(type);
                if (f == null) throw new IllegalArgumentException("unknown layer type '" + type + "'; register it with Layers.register(\"" + type + "\", config -> ...)");
                return f.apply(c);
        }
    }

    private static Activation act(Map<String, Object> c) {
        return Activation.parse((String) c.get("activation"));
    }

    private static int i(Map<String, Object> c, String k) {
        Object v = c.get(k);
        if (!(v instanceof Number n)) throw new IllegalArgumentException("layer config " + c.get("name") + " needs a number \"" + k + "\", got " + v);
        return n.intValue();
    }

    private static double d(Map<String, Object> c, String k) {
        Object v = c.get(k);
        if (!(v instanceof Number n)) throw new IllegalArgumentException("layer config " + c.get("name") + " needs a number \"" + k + "\", got " + v);
        return n.doubleValue();
    }
}
