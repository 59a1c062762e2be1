package dev.nabla.nn;

import dev.nabla.tensor.Rng;
import dev.nabla.tensor.Shape;
import dev.nabla.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The standard weight initialisers. Values are drawn in row-major order from the {@link Rng} handed to
 * {@link Initializer#create}, so a layer seeded the same way starts from the same weights.
 *
 * <pre>{@code
 * Dense d = new Dense("hidden", 64, Activation.RELU, Initializers.heUniform(), Initializers.zeros(), true);
 * }</pre>
 *
 * The normal variants draw from an untruncated normal (as PyTorch's {@code xavier_normal_} / {@code kaiming_normal_};
 * Keras truncates at two standard deviations instead).
 */
public final class Initializers {
    private Initializers() {}

    /** Fills {@code out} given the fans and the generator. */
    @FunctionalInterface
    private interface Filler {
        void fill(float[] out, int fanIn, int fanOut, Rng rng);
    }

    /** An initialiser with a name and its parameters, so it can be written to and read from a config. */
    private static final class Named implements Initializer {
        private final String name;
        private final Map<String, Object> params;
        private final Filler filler;

        Named(String name, Map<String, Object> params, Filler filler) {
            this.name = name;
            this.params = params;
            this.filler = filler;
        }

        @Override
        public Tensor create(int[] shape, int fanIn, int fanOut, Rng rng) {
            float[] data = new float[Shape.size(shape)];
            filler.fill(data, Math.max(1, fanIn), Math.max(1, fanOut), rng);
            return Tensor.of(data, shape.clone());
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public Map<String, Object> config() {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("name", name);
            c.putAll(params);
            return c;
        }

        @Override
        public String toString() {
            return config().toString();
        }
    }

    // ------------------------------------------------------------------ constants

    public static Initializer zeros() {
        return new Named("zeros", Map.of(), (out, fi, fo, rng) -> { });
    }

    public static Initializer ones() {
        return constantNamed("ones", 1f, Map.of());
    }

    public static Initializer constant(double value) {
        return constantNamed("constant", (float) value, Map.of("value", value));
    }

    private static Initializer constantNamed(String name, float v, Map<String, Object> params) {
        return new Named(name, params, (out, fi, fo, rng) -> java.util.Arrays.fill(out, v));
    }

    // ------------------------------------------------------------------ plain random

    /** U(low, high). */
    public static Initializer uniform(double low, double high) {
        if (!(high > low)) throw new IllegalArgumentException("uniform initializer: need low < high, got [" + low + ", " + high + ")");
        return new Named("uniform", ordered("low", low, "high", high), (out, fi, fo, rng) -> fillUniform(out, low, high, rng));
    }

    /** N(mean, std^2). */
    public static Initializer normal(double mean, double std) {
        if (!(std >= 0)) throw new IllegalArgumentException("normal initializer: std must be >= 0, got " + std);
        return new Named("normal", ordered("mean", mean, "std", std), (out, fi, fo, rng) -> fillNormal(out, mean, std, rng));
    }

    // ------------------------------------------------------------------ variance scaling

    /** Glorot / Xavier uniform: U(+-sqrt(6 / (fanIn + fanOut))). The default for Dense and Conv2D kernels. */
    public static Initializer glorotUniform() {
        return scaled("glorot_uniform", true, (fi, fo) -> Math.sqrt(6.0 / (fi + fo)));
    }

    /** Glorot / Xavier normal: N(0, 2 / (fanIn + fanOut)). */
    public static Initializer glorotNormal() {
        return scaled("glorot_normal", false, (fi, fo) -> Math.sqrt(2.0 / (fi + fo)));
    }

    /** He / Kaiming uniform (for ReLU): U(+-sqrt(6 / fanIn)). */
    public static Initializer heUniform() {
        return scaled("he_uniform", true, (fi, fo) -> Math.sqrt(6.0 / fi));
    }

    /** He / Kaiming normal (for ReLU): N(0, 2 / fanIn). */
    public static Initializer heNormal() {
        return scaled("he_normal", false, (fi, fo) -> Math.sqrt(2.0 / fi));
    }

    /** LeCun uniform (for SELU): U(+-sqrt(3 / fanIn)). */
    public static Initializer lecunUniform() {
        return scaled("lecun_uniform", true, (fi, fo) -> Math.sqrt(3.0 / fi));
    }

    /** LeCun normal: N(0, 1 / fanIn). */
    public static Initializer lecunNormal() {
        return scaled("lecun_normal", false, (fi, fo) -> Math.sqrt(1.0 / fi));
    }

    /**
     * PyTorch's default for {@code nn.Linear} / {@code nn.Conv2d} weights and biases: U(+-1/sqrt(fanIn)).
     * Layers give a bias the fans of its kernel, so this matches PyTorch for biases too.
     */
    public static Initializer pytorchDefault() {
        return scaled("pytorch_default", true, (fi, fo) -> 1.0 / Math.sqrt(fi));
    }

    @FunctionalInterface
    private interface Scale {
        /** The uniform limit, or the normal standard deviation. */
        double of(int fanIn, int fanOut);
    }

    private static Initializer scaled(String name, boolean uniform, Scale scale) {
        return new Named(name, Map.of(), (out, fi, fo, rng) -> {
            double s = scale.of(fi, fo);
            if (uniform) fillUniform(out, -s, s, rng);
            else fillNormal(out, 0, s, rng);
        });
    }

    private static void fillUniform(float[] out, double low, double high, Rng rng) {
        double width = high - low;
        for (int i = 0; i < out.length; i++) out[i] = (float) (low + width * rng.nextDouble());
    }

    private static void fillNormal(float[] out, double mean, double std, Rng rng) {
        for (int i = 0; i < out.length; i++) out[i] = (float) (mean + std * rng.nextGaussian());
    }

    private static Map<String, Object> ordered(String k1, Object v1, String k2, Object v2) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(k1, v1);
        m.put(k2, v2);
        return m;
    }

    // ------------------------------------------------------------------ fans and configs

    /**
     * {fanIn, fanOut} of a weight of this shape. Rank 2 is a Dense kernel stored [in, out]; rank 3 and more is a
     * convolution kernel stored [out, in, k...], whose fans are multiplied by the receptive field (kh * kw);
     * rank 1 uses its length for both, a scalar 1.
     */
    public static int[] fans(int[] shape) {
        switch (shape.length) {
            case 0:
                return new int[] {1, 1};
            case 1:
                return new int[] {shape[0], shape[0]};
            case 2:
                return new int[] {shape[0], shape[1]};
            default:
                int receptive = 1;
                for (int i = 2; i < shape.length; i++) receptive *= shape[i];
                return new int[] {shape[1] * receptive, shape[0] * receptive};
        }
    }

    /**
     * The initialiser a config names: either a name ({@code "he_normal"}, case-insensitive, camelCase accepted) or a
     * map with {@code "name"} and parameters, as {@link Initializer#config()} writes it.
     */
    public static Initializer fromConfig(Object config) {
        String name;
        Map<?, ?> params = Map.of();
        if (config instanceof Map<?, ?> m) {
            Object n = m.get("name");
            if (!(n instanceof String)) throw new IllegalArgumentException("initializer config needs a \"name\": " + config);
            name = (String) n;
            params = m;
        } else if (config instanceof String s) {
            name = s;
        } else {
            throw new IllegalArgumentException("initializer config must be a name or a map, got " + config);
        }
        String key = name.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
        switch (key) {
            case "zeros": return zeros();
            case "ones": return ones();
            case "constant": return constant(number(params, "value", name));
            case "uniform": return uniform(number(params, "low", name), number(params, "high", name));
            case "normal": return normal(number(params, "mean", name), number(params, "std", name));
            case "glorot_uniform": case "xavier_uniform": return glorotUniform();
            case "glorot_normal": case "xavier_normal": return glorotNormal();
            case "he_uniform": case "kaiming_uniform": return heUniform();
            case "he_normal": case "kaiming_normal": return heNormal();
            case "lecun_uniform": return lecunUniform();
            case "lecun_normal": return lecunNormal();
            case "pytorch_default": return pytorchDefault();
            default:
                throw new IllegalArgumentException("unknown initializer '" + name + "'; known: zeros, ones, constant, uniform,"
                        + " normal, glorot_uniform, glorot_normal, he_uniform, he_normal, lecun_uniform, lecun_normal,"
                        + " pytorch_default");
        }
    }

    private static double number(Map<?, ?> params, String key, String name) {
        Object v = params.get(key);
        if (!(v instanceof Number)) {
            throw new IllegalArgumentException("initializer '" + name + "' needs a number \"" + key + "\", got " + v);
        }
        return ((Number) v).doubleValue();
    }
}
