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
 *   <li>KC, the depth of a block: the B micro-panel (KC x NR, reused by every A micro-panel of the block) and the A
 *       micro-panel being read (MR x KC) fill at most 5/8 of L1d, the rest left for C and the next panels:
 *       KC = (5/8) L1d / (4 (NR + MR)), rounded down to a multiple of 16, between 64 and 512.</li>
 *   <li>MC, rows of a packed A block (MC x KC, reused by every B micro-panel): half of L2, rounded down to a
 *       multiple of MR, between MR and 64 MR.</li>
 *   <li>NC, columns of a packed B block (KC x NC, whose micro-panels are each read once per A block): the other
 *       half of L2, rounded down to a multiple of NR, at most 4096.</li>
 * </ul>
 * Any value can be forced for experiments with {@code -Dnabla.gemm.mr=}, {@code .kc}, {@code .mc}, {@code .nc}.
 */
final class GemmBlocking {

    static final long DEFAULT_L1D = 32 * 1024, DEFAULT_L2 = 512 * 1024;

    final int mr, nr, kc, mc, nc;
    final long l1d, l2;

    GemmBlocking(int lanes, int registers, long l1d, long l2) {
        this.l1d = l1d;
        this.l2 = l2;
        nr = 2 * lanes;
        mr = Integer.getInteger("nabla.gemm.mr", registers >= 32 ? 12 : 6);
        kc = Integer.getInteger("nabla.gemm.kc", clamp(5 * l1d / 8 / (4L * (nr + mr)) / 16 * 16, 64, 512));
        mc = Integer.getInteger("nabla.gemm.mc", clamp(l2 / 2 / (4L * kc) / mr * mr, mr, 64L * mr));
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
