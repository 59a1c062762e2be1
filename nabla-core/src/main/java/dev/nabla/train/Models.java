package dev.nabla.train;

import dev.nabla.nn.Layer;
import dev.nabla.nn.Layers;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Rebuilds models from their {@link Model#config()}: {@link Sequential} out of the box; register a factory for
 * your own {@link Model} subclasses so that model files holding them can be loaded.
 */
public final class Models {

    private static final Map<String, Function<Map<String, Object>, Model>> FACTORIES = new ConcurrentHashMap<>();

    private Models() {}

    /** Makes {@link #fromConfig} (and so {@link ModelFile#load}) understand models whose config type is {@code type}. */
    public static void register(String type, Function<Map<String, Object>, Model> factory) {
        FACTORIES.put(type, factory);
    }

    public static Model fromConfig(Map<String, Object> config) {
        Object type = config.get("type");
        if ("Sequential".equals(type)) {
            List<Layer> layers = new ArrayList<>();
            for (Object c : (List<?>) config.getOrDefault("layers", List.of())) layers.add(Layers.fromConfig(asMap(c)));
            return new Sequential((String) config.get("name"), layers.toArray(new Layer[0]));
        }
        Function<Map<String, Object>, Model> factory = FACTORIES.get(String.valueOf(type));
        if (factory == null) {
            throw new IllegalArgumentException("cannot rebuild a model of type " + type + "; register it with Models.register(\"" + type + "\", config -> ...)");
        }
        return factory.apply(config);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object o) {
        if (!(o instanceof Map)) throw new IllegalArgumentException("layer config must be a JSON object, got " + o);
        return (Map<String, Object>) o;
    }
}
