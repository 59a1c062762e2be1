package dev.nabla.kernels;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Tile and block sizes of {@link VectorGemm}'s packed path, derived once from the CPU it runs on: the L1d and L2
 * sizes (from {@code /sys/devices/system/cpu/cpu0/cache}, else 32 KiB and 512 KiB) and the vector length.
 *
 * <ul>
 *   <li>Micro-tile MR x NR: NR = two vectors of columns; MR rows such that the 2 MR accumulators, the two B vectors
 *       and the broadcast A value fit the vector registers: MR = 12 with 32 registers (x86 with 512-bit vectors,
 *       i.e. AVX-512; aarch64), else 6 (AVX2's 16).</li>
 *   <li>KC, the depth of a block: the A micro-panel (MR x KC), which stays in L1 while every B micro-panel of the
 *       block streams past it, fills half of L1d: KC = L1d / (2 * 4 MR), rounded down to a multiple of 16, between
 *       64 and 512 (512 for a 48 KiB L1d, 336 for 32 KiB). Deeper blocks mean fewer passes over C: on a
 *       2048^3 product this order with KC 512 beat a B micro-panel kept in L1 (KC 224) by about 10%.</li>
 *   <li>NC, columns of a packed B block (KC x NC, read once per A micro-panel): half of L2, rounded down to a
 *       multiple of NR, at most 4096.</li>
 *   <li>MC, rows of A packed at once (MC x KC): a quarter of L2, so that it stays there beside the B block; a
 *       multiple of MR, between MR and 64 MR.</li>
 * </ul>
 * Any value can be forced for experiments with {@code -Dnabla.gemm.kc=}, {@code .mc}, {@code .nc}, and
 * {@code -Dnabla.gemm.mr=6} or {@code 12}.
 */
final class GemmBlocking {

    static final long DEFAULT_L1D = 32 * 1024, DEFAULT_L2 = 512 * 1024;

    final int mr, nr, kc, mc, nc;
    final long l1d, l2;

    GemmBlocking(int lanes, int registers, long l1d, long l2) {
        this.l1d = l1d;
        this.l2 = l2;
        nr = 2 * lanes;
        int forcedMr = Integer.getInteger("nabla.gemm.mr", 0); // the kernel has these two tile heights
        mr = forcedMr == 6 || forcedMr == 12 ? forcedMr : registers >= 32 ? 12 : 6;
        kc = Integer.getInteger("nabla.gemm.kc", clamp(l1d / (2 * 4L * mr) / 16 * 16, 64, 512));
        mc = Integer.getInteger("nabla.gemm.mc", clamp(l2 / 4 / (4L * kc) / mr * mr, mr, 64L * mr));
        nc = Integer.getInteger("nabla.gemm.nc", clamp(l2 / 2 / (4L * kc) / nr * nr, nr, 4096L / nr * nr));
    }

    /** The blocking for this machine's caches and a vector of {@code lanes} floats. */
    static GemmBlocking detect(int lanes) {
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        int registers = arch.contains("aarch64") || lanes >= 16 ? 32 : 16;
        return new GemmBlocking(lanes, registers, cacheSize(1, "Data", DEFAULT_L1D), cacheSize(2, "Unified", DEFAULT_L2));
    }

    /** Size in bytes of cpu0's cache of this level and type (Data, Unified) as Linux reports it, or the fallback. */
    static long cacheSize(int level, String type, long fallback) {
        Path dir = Path.of("/sys/devices/system/cpu/cpu0/cache");
        for (int i = 0; i < 8; i++) {
            Path index = dir.resolve("index" + i);
            try {
                if (!Files.isDirectory(index)) break;
                if (Integer.parseInt(read(index.resolve("level"))) != level) continue;
                if (!read(index.resolve("type")).equalsIgnoreCase(type)) continue;
                long size = parseSize(read(index.resolve("size")));
                return size > 0 ? size : fallback;
            } catch (IOException | RuntimeException e) {
                return fallback;
            }
        }
        return fallback;
    }

    /** "48K", "2048K", "1M" or a plain byte count, in bytes; -1 when unreadable. */
    static long parseSize(String s) {
        String t = s.trim().toUpperCase(Locale.ROOT);
        long unit = 1;
        if (t.endsWith("K")) unit = 1024;
        else if (t.endsWith("M")) unit = 1024 * 1024;
        else if (t.endsWith("G")) unit = 1024L * 1024 * 1024;
        if (unit > 1) t = t.substring(0, t.length() - 1);
        try {
            return Long.parseLong(t) * unit;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String read(Path p) throws IOException {
        return Files.readString(p).trim();
    }

    private static int clamp(long v, long lo, long hi) {
        return (int) Math.max(lo, Math.min(hi, v));
    }

    @Override
    public String toString() {
        return "MR=" + mr + " NR=" + nr + " KC=" + kc + " MC=" + mc + " NC=" + nc + " (L1d " + l1d / 1024 + " KiB, L2 "
                + l2 / 1024 + " KiB)";
    }
}
