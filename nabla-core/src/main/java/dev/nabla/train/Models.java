package dev.nabla.train;

import dev.nabla.io.JsonFields;
import dev.nabla.nn.Layer;
import dev.nabla.nn.Layers;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Rebuilds models from their {@link Model#config()}: {@link Sequential} and {@link Functional} out of the box; register a factory for
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
        return fromConfig(config, "model");
    }

    /** The model a config describes; {@code where} is its path in the file, which errors name ({@code model.layers[2].units}). */
    public static Model fromConfig(Map<String, Object> config, String where) {
        JsonFields f = new JsonFields(config, where);
        String type = f.requireString("type");
        if ("Sequential".equals(type)) {
            List<?> configs = f.optionalList("layers");
            List<Layer> layers = new ArrayList<>();
            for (int i = 0; i < configs.size(); i++) {
                layers.add(layerFromConfig(f.element("layers", i)));
            }
            return new Sequential(f.optionalString("name", null), layers.toArray(new Layer[0]));
        }
        if ("Functional".equals(type)) return Functional.fromConfig(f);
        return registered(type, f, config, where);
    }

    /**
     * A layer of a model's config: a model used as a layer (a Sequential or functional model, or a registered
     * model type) is rebuilt as a model, any other as {@link Layers#fromConfig} rebuilds it.
     */
    static Layer layerFromConfig(JsonFields layer) {
        String type = layer.requireString("type");
        if (!"Sequential".equals(type) && !"Functional".equals(type) && !FACTORIES.containsKey(type)) {
            return Layers.fromConfig(layer.object(), layer.where());
        }
        Model model = fromConfig(layer.object(), layer.where());
        if (layer.has("trainable") && !layer.requireBoolean("trainable")) model.setTrainable(false);
        return model;
    }

    private static Model registered(String type, JsonFields f, Map<String, Object> config, String where) {
        Function<Map<String, Object>, Model> factory = FACTORIES.get(type);
        if (factory == null) {
            throw f.error("type", "cannot rebuild a model of type " + type + "; register it with Models.register(\"" + type + "\", config -> ...)");
        }
        try {
            return factory.apply(config);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
    }
}
