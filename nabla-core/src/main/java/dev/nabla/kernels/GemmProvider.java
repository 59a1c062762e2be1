package dev.nabla.kernels;

/**
 * Service interface through which optional modules (e.g. the OpenBLAS bridge) contribute a {@link Gemm}.
 * Register implementations in {@code META-INF/services/dev.nabla.kernels.GemmProvider}; {@link Gemms} picks
 * the loadable provider with the highest priority as the default kernel.
 */
public interface GemmProvider {

    /** Kernel name, as accepted by {@code -Dnabla.gemm=...}. */
    String name();

    /** Higher wins when several providers are present. */
    int priority();

    /**
     * Creates the kernel. May throw (e.g. {@link LinkageError} when a native library is missing), in which
     * case the provider is treated as unavailable.
     */
    Gemm create();
}
