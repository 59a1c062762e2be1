package dev.nabla.bench;

import dev.nabla.kernels.Gemm;
import dev.nabla.kernels.Gemms;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Single-precision GEMM throughput of every kernel on the shapes that matter: a large square product and the
 * forward and backward products of the W4 MLP (784-256-128-10, batch 128). The secondary result {@code gflops}
 * is the GFLOP/s rate (2mnk flops per call); the primary score is calls per second.
 *
 * <p>Shapes are written {@code m<M>n<N>k<K>} for C[M x N] = op(A)[M x K] op(B)[K x N], with {@code tA} / {@code tB}
 * when that operand is stored transposed: {@code m784n256k128tA} is dW = X^T dY of the first W4 layer,
 * {@code m128n784k256tB} is dX = dY W^T.
 *
 * <pre>
 * mvn -pl nabla-bench -am package -DskipTests -Dnabla.target=target-me
 * java -jar nabla-bench/target-me/benchmarks.jar GemmBench -p kernel=vector,openblas -p shape=m2048n2048k2048
 * </pre>
 *
 * <p>The W6/W7 shapes and the batched attention products are in {@link GemmTable}, which also interleaves the kernels
 * (fairer on a shared machine); any of its plain shapes can be given here too, e.g. {@code -p shape=m2048n192k64tB}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-XX:+UseSerialGC", "-Xmx2g"})
public class GemmBench {


    @Param({"vector", "plain", "openblas"})
    public String kernel;

    @Param({"m2048n2048k2048", "m128n256k784", "m128n128k256", "m784n256k128", "m784n256k128tA",
            "m128n784k256tB", "m4n3k5"})
    public String shape;

    private Gemm gemm;
    private GemmShape product;
    private double gflopPerCall;

    /** GFLOP done, reported by JMH as a rate: GFLOP/s. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Flops {
        public double gflops;

        @Setup(Level.Iteration)
        public void reset() {
            gflops = 0;
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        product = new GemmShape(shape);
        if (product.batch != 1) throw new IllegalArgumentException("shape '" + shape + "': GemmBench times single products; GemmTable times batches");
        gemm = Gemms.named(kernel);
        gflopPerCall = product.flops() / 1e9;
    }

    @Benchmark
    public float[] sgemm(Flops flops) {
        gemm.sgemm(product.transA, product.transB, product.m, product.n, product.k, 1f, product.a, 0, product.lda, product.b, 0, product.ldb, 0f, product.c, 0, product.n);
        flops.gflops += gflopPerCall;
        return product.c;
    }
}
