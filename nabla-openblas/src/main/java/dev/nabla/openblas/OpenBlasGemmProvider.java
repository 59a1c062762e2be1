package dev.nabla.openblas;

import dev.nabla.kernels.Gemm;
import dev.nabla.kernels.GemmProvider;

/**
 * Registers {@link OpenBlasGemm} with {@link dev.nabla.kernels.Gemms} (through
 * {@code META-INF/services/dev.nabla.kernels.GemmProvider}): with this module on the class path, OpenBLAS is the
 * default kernel unless {@code -Dnabla.gemm=...} chooses another; if the native library cannot load, the Java
 * kernels are used as if the module were absent.
 */
public final class OpenBlasGemmProvider implements GemmProvider {

    /** Above every built-in kernel: when someone adds the native bridge, they want it used. */
    static final int PRIORITY = 100;

    @Override
    public String name() {
        return "openblas";
    }

    @Override
    public int priority() {
        return PRIORITY;
    }

    @Override
    public Gemm create() {
        return new OpenBlasGemm();
    }
}
