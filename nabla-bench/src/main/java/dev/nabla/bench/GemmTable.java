package dev.nabla.bench;

import dev.nabla.kernels.Gemm;
import dev.nabla.kernels.Gemms;
import dev.nabla.kernels.Parallel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * GEMM GFLOP/s of Nabla's kernel against OpenBLAS (or any kernels) on the benchmark shapes, interleaved: every
 * round times each shape with each kernel in turn (the order rotating between rounds), so that load from other
 * processes on a small machine falls on both sides alike; the table gives medians over the rounds, and the ratio
 * is the median of the per-round ratios. JMH's {@link GemmBench} runs one kernel and shape after another instead.
 *
 * <pre>
 * mvn -B -o -q -pl nabla-bench -am package -DskipTests -Dnabla.target=target-me
 * java --add-modules=jdk.incubator.vector -XX:+UseSerialGC -cp nabla-bench/target-me/benchmarks.jar \
 *     dev.nabla.bench.GemmTable --sets gemmbench,w6,w7,attention --rounds 5 --millis 200
 * </pre>
 *
 * <p>Shapes are {@link GemmBench}'s {@code m<M>n<N>k<K>[tA][tB]}, with a {@code b<count>} prefix for a batch of
 * independent products run one after another inside one {@link Parallel} loop over the batch, as the attention op
 * calls them ({@code b512m16n16k16tB}: the 128 x 4 heads' Q K^T of W7).
 */
public final class GemmTable {


    /** The shape sets; each shape with what it is. */
    static final Map<String, String[][]> SETS = new LinkedHashMap<>();

    static {
        SETS.put("gemmbench", new String[][] {
                {"m2048n2048k2048", "square"},
                {"m128n256k784", "W4 layer 1 forward"},
                {"m128n128k256", "W4 layer 2 forward"},
                {"m784n256k128", "W4 dW1 (stored X^T)"},
                {"m784n256k128tA", "W4 dW1 = X^T dY"},
                {"m128n784k256tB", "W4 dX1 = dY W^T"},
                {"m4n3k5", "W1-sized (XOR)"},
        });
        SETS.put("w6", new String[][] {
                {"m128n256k92", "W6 step [x,h] W (fused)"},
                {"m92n256k128tA", "W6 step dW = [x,h]^T dZ"},
                {"m128n92k256tB", "W6 step d[x,h] = dZ W^T"},
                {"m3584n256k28tB", "W6 input projection X W_ih^T"},
                {"m128n256k64tB", "W6 step h W_hh^T"},
                {"m128n64k256", "W6 step dh = dZ W_hh"},
                {"m28n256k3584tA", "W6 dW_ih^T = X^T dZ"},
                {"m64n256k3584tA", "W6 dW_hh^T = H^T dZ"},
        });
        SETS.put("w7", new String[][] {
                {"m2048n64k49tB", "W7 patch embedding"},
                {"m2048n192k64tB", "W7 QKV"},
                {"m2048n64k64tB", "W7 out projection"},
                {"m2048n128k64tB", "W7 MLP up"},
                {"m2048n64k128tB", "W7 MLP down"},
                {"m2048n64k192", "W7 dX of QKV"},
                {"m2048n64k64", "W7 dX of out projection"},
                {"m2048n64k128", "W7 dX of MLP up"},
                {"m2048n128k64", "W7 dX of MLP down"},
                {"m192n64k2048tA", "W7 dW of QKV"},
                {"m64n64k2048tA", "W7 dW of out projection"},
                {"m128n64k2048tA", "W7 dW of MLP up"},
                {"m64n128k2048tA", "W7 dW of MLP down"},
        });
        SETS.put("attention", new String[][] {
                {"b512m16n16k16tB", "W7 scores Q K^T per head"},
                {"b512m16n16k16", "W7 P V per head"},
                {"b512m16n16k16tA", "W7 dK, dV per head"},
        });
    }

    private GemmTable() {}

    public static void main(String[] args) {
        List<String> sets = List.of("gemmbench", "w6", "w7", "attention");
        List<String> kernels = List.of("vector", "openblas");
        int rounds = 5;
        long millis = 200;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--sets" -> sets = List.of(args[++i].split(","));
                case "--shapes" -> { // ad hoc shapes instead of the sets
                    SETS.put("shapes", Arrays.stream(args[++i].split(",")).map(x -> new String[] {x, ""}).toArray(String[][]::new));
                    sets = List.of("shapes");
                }
                case "--kernels" -> kernels = List.of(args[++i].split(","));
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--millis" -> millis = Long.parseLong(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument '" + args[i]
                        + "'; use --sets " + String.join(",", SETS.keySet()) + " or --shapes m64n64k64tB,... --kernels vector,openblas --rounds N --millis T");
            }
        }
        List<Case> cases = new ArrayList<>();
        for (String set : sets) {
            String[][] shapes = SETS.get(set);
            if (shapes == null) throw new IllegalArgumentException("unknown set '" + set + "'; sets: " + SETS.keySet());
            for (String[] s : shapes) cases.add(new Case(s[0], s[1]));
        }
        Gemm[] gemms = kernels.stream().map(Gemms::named).toArray(Gemm[]::new);
        System.out.printf(Locale.ROOT, "%s; threads %d, kernels %s, %d rounds of %d ms each%n",
                cpu(), Parallel.threads(), kernels, rounds, millis);
        for (Case c : cases) for (Gemm g : gemms) c.time(g, millis); // warm-up: JIT, buffers, native library
        double[][][] rates = new double[cases.size()][gemms.length][rounds];
        for (int r = 0; r < rounds; r++) {
            for (int ci = 0; ci < cases.size(); ci++) {
                for (int q = 0; q < gemms.length; q++) {
                    int gi = (q + r + ci) % gemms.length;
                    rates[ci][gi][r] = cases.get(ci).time(gemms[gi], millis);
                }
            }
        }
        print(cases, kernels, rates);
    }

    private static void print(List<Case> cases, List<String> kernels, double[][][] rates) {
        StringBuilder head = new StringBuilder("| shape | product |");
        StringBuilder rule = new StringBuilder("|---|---|");
        for (String k : kernels) {
            head.append(' ').append(k).append(" GFLOP/s |");
            rule.append("---:|");
        }
        for (int q = 1; q < kernels.size(); q++) {
            head.append(' ').append(kernels.get(0)).append(" / ").append(kernels.get(q)).append(" |");
            rule.append("---:|");
        }
        System.out.println(head);
        System.out.println(rule);
        for (int ci = 0; ci < cases.size(); ci++) {
            StringBuilder row = new StringBuilder("| " + cases.get(ci).shape.name + " | " + cases.get(ci).what + " |");
            for (double[] r : rates[ci]) row.append(String.format(Locale.ROOT, " %.1f |", median(r)));
            for (int q = 1; q < kernels.size(); q++) {
                double[] ratio = new double[rates[ci][0].length];
                for (int r = 0; r < ratio.length; r++) ratio[r] = rates[ci][0][r] / rates[ci][q][r];
                row.append(String.format(Locale.ROOT, " %.2f |", median(ratio)));
            }
            System.out.println(row);
        }
    }

    /** The CPU as /proc/cpuinfo names it (model name and model number), or the OS architecture. */
    private static String cpu() {
        try {
            String name = "", model = "";
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/cpuinfo"))) {
                if (name.isEmpty() && line.startsWith("model name")) name = line.substring(line.indexOf(':') + 1).trim();
                if (model.isEmpty() && line.matches("model\\s*:.*")) model = line.substring(line.indexOf(':') + 1).trim();
            }
            if (!name.isEmpty()) return name + " (model " + model + ")";
        } catch (java.io.IOException | RuntimeException e) {
            // not Linux: say what we know
        }
        return System.getProperty("os.arch");
    }

    private static double median(double[] x) {
        double[] s = x.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    /** One shape with its operands and what it stands for. */
    private static final class Case {
        final GemmShape shape;
        final String what;

        Case(String shape, String what) {
            this.shape = new GemmShape(shape);
            this.what = what;
        }

        /** GFLOP/s of this kernel on this shape, calling it for about {@code millis}. */
        double time(Gemm g, long millis) {
            double flops = shape.flops();
            int burst = (int) Math.max(1, 100_000 / flops); // tiny products: the clock is read once per burst
            long budget = millis * 1_000_000L, calls = 0, t0 = System.nanoTime(), t;
            do {
                for (int i = 0; i < burst; i++) call(g);
                calls += burst;
            } while ((t = System.nanoTime() - t0) < budget);
            return flops * calls / t;
        }

        private void call(Gemm g) {
            GemmShape p = shape;
            if (p.batch == 1) {
                g.sgemm(p.transA, p.transB, p.m, p.n, p.k, 1f, p.a, 0, p.lda, p.b, 0, p.ldb, 0f, p.c, 0, p.n);
                return;
            }
            Parallel.forRange(p.batch, 1, (from, to) -> {
                for (int i = from; i < to; i++) {
                    g.sgemm(p.transA, p.transB, p.m, p.n, p.k, 1f, p.a, i * p.m * p.k, p.lda, p.b, i * p.k * p.n, p.ldb, 0f, p.c, i * p.m * p.n, p.n);
                }
            });
        }
    }
}
