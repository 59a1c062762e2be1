package dev.nabla.kernels;

/**
 * Loads a kernel's Vector API implementation by class name, and only when the incubator module is in the boot layer,
 * so that the class is never linked without it; otherwise (or if it fails to load) the scalar one.
 */
final class VectorImplementations {

    private VectorImplementations() {
    }

    /** An instance of {@code className} (in this package, with a no-argument constructor), else {@code scalar}. */
    static <T> T orScalar(Class<T> type, String className, T scalar) {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) return scalar;
        try {
            return type.cast(Class.forName("dev.nabla.kernels." + className).getDeclaredConstructor().newInstance());
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            return scalar; // e.g. a JVM whose Vector API lacks something the class uses
        }
    }
}
