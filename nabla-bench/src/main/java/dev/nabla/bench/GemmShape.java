package dev.nabla.bench;

import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A benchmark product written {@code [b<B>]m<M>n<N>k<K>[tA][tB]}: B products C[M x N] = op(A)[M x K] op(B)[K x N], with
 * {@code tA} / {@code tB} when that operand is stored transposed, and its operands (uniform in [-1, 1), seed 42).
 */
final class GemmShape {

    private static final Pattern SHAPE = Pattern.compile("(?:b(\\d+))?m(\\d+)n(\\d+)k(\\d+)(tA)?(tB)?");

    final String name;
    final int batch, m, n, k, lda, ldb;
    final boolean transA, transB;
    final float[] a, b, c;

    GemmShape(String name) {
        Matcher s = SHAPE.matcher(name);
        if (!s.matches()) throw new IllegalArgumentException("shape '" + name + "' is not like m128n256k784[tA][tB] or b512m16n16k16tB");
        this.name = name;
        batch = s.group(1) == null ? 1 : Integer.parseInt(s.group(1));
        m = Integer.parseInt(s.group(2));
        n = Integer.parseInt(s.group(3));
        k = Integer.parseInt(s.group(4));
        transA = s.group(5) != null;
        transB = s.group(6) != null;
        lda = transA ? m : k;
        ldb = transB ? k : n;
        Random r = new Random(42);
        a = random(r, batch * m * k);
        b = random(r, batch * k * n);
        c = new float[batch * m * n];
    }

    /** Floating-point operations of all B products, 2mnk each. */
    double flops() {
        return 2.0 * batch * m * n * k;
    }

    private static float[] random(Random r, int length) {
        float[] x = new float[length];
        for (int i = 0; i < length; i++) x[i] = r.nextFloat() * 2f - 1f;
        return x;
    }
}
