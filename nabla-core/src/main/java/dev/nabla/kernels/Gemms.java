package dev.nabla.kernels;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * Chooses the GEMM kernel once, at class initialisation.
 *
 * <p>{@code -Dnabla.gemm=NAME} (or env {@code NABLA_GEMM}) forces a kernel ({@code vector}, {@code plain},
 * {@code openblas}, or any registered {@link GemmProvider}). Otherwise the highest-priority loadable provider
 * wins, then the Vector API kernel if {@code jdk.incubator.vector} is in the boot layer, then the plain kernel.
 */
public final class Gemms {

    private static final Map<String, Gemm> KERNELS = discover();
    private static final Gemm DEFAULT = choose();

    private Gemms() {}

    /** The kernel the library uses. */
    public static Gemm get() {
        return DEFAULT;
    }

    /** The kernel with this name; throws {@link IllegalStateException} if it is unknown or cannot load here. */
    public static Gemm named(String name) {
        Gemm g = KERNELS.get(name.trim().toLowerCase(Locale.ROOT));
        if (g == null) {
            throw new IllegalStateException("GEMM kernel '" + name + "' is not available; available: " + available());
        }
        return g;
    }

    /** Names of the kernels that load in this JVM, best default first among providers, then vector, plain. */
    public static List<String> available() {
        return List.copyOf(KERNELS.keySet());
    }

    private static Gemm choose() {
        String forced = System.getProperty("nabla.gemm");
        if (forced == null || forced.isBlank()) forced = System.getenv("NABLA_GEMM");
        if (forced != null && !forced.isBlank()) return named(forced);
        return KERNELS.values().iterator().next();
    }

    /** Loadable kernels in preference order: providers by priority, then vector (if the module is present), plain. */
    private static Map<String, Gemm> discover() {
        Map<String, Gemm> kernels = new LinkedHashMap<>();
        for (GemmProvider p : providers()) {
            try {
                kernels.putIfAbsent(p.name().toLowerCase(Locale.ROOT), p.create());
            } catch (RuntimeException | LinkageError e) {
                // e.g. the native library is missing on this platform: the provider is simply unavailable.
            }
        }
        Gemm vector = vectorKernel();
        if (vector != null) kernels.putIfAbsent(vector.name(), vector);
        Gemm plain = new PlainGemm();
        kernels.putIfAbsent(plain.name(), plain);
        return kernels;
    }

    private static List<GemmProvider> providers() {
        List<GemmProvider> found = new ArrayList<>();
        try {
            for (var it = ServiceLoader.load(GemmProvider.class).iterator(); it.hasNext(); ) {
                try {
                    found.add(it.next());
                } catch (ServiceConfigurationError | LinkageError e) {
                    // a broken registration must not take the library down
                }
            }
        } catch (ServiceConfigurationError e) {
            // same
        }
        found.sort(Comparator.comparingInt(GemmProvider::priority).reversed());
        return found;
    }

    /** The vector kernel, or null where the incubator module is absent. */
    private static Gemm vectorKernel() {
        return VectorImplementations.orScalar(Gemm.class, "VectorGemm", null);
    }
}
