package dev.nabla.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The packed GEMM's tile and block sizes follow from the cache sizes and vector length as documented. */
class GemmBlockingTest {

    @Test
    void sapphireRapidsCachesGiveTwelveRowTilesAndBlocksThatFitL1AndL2() {
        // AVX-512 (16 floats a vector, 32 registers), L1d 48 KiB, L2 2 MiB
        GemmBlocking b = new GemmBlocking(16, 32, 48 * 1024, 2048 * 1024);
        assertThat(b.mr).isEqualTo(12);
        assertThat(b.nr).isEqualTo(32);
        assertThat(b.kc).isEqualTo(512);
        assertThat(b.nc).isEqualTo(512);
        assertFits(b);
    }

    @Test
    void zen4CachesGiveSmallerDepthBlocks() {
        // Zen 4: AVX-512 as well, L1d 32 KiB, L2 1 MiB
        GemmBlocking zen4 = new GemmBlocking(16, 32, 32 * 1024, 1024 * 1024);
        GemmBlocking spr = new GemmBlocking(16, 32, 48 * 1024, 2048 * 1024);
        assertThat(zen4.kc).isEqualTo(336).isLessThan(spr.kc);
        assertFits(zen4);
    }

    @Test
    void avx2With16RegistersGetsSixRowTiles() {
        GemmBlocking b = new GemmBlocking(8, 16, 32 * 1024, 512 * 1024);
        assertThat(b.mr).isEqualTo(6);
        assertThat(b.nr).isEqualTo(16);
        assertFits(b);
    }

    @Test
    void tinyOrHugeCachesStayWithinBounds() {
        GemmBlocking tiny = new GemmBlocking(16, 32, 1024, 1024);
        assertThat(tiny.kc).isEqualTo(64);
        assertThat(tiny.mc).isEqualTo(tiny.mr);
        assertThat(tiny.nc).isEqualTo(tiny.nr);
        GemmBlocking huge = new GemmBlocking(16, 32, 1L << 30, 1L << 34);
        assertThat(huge.kc).isEqualTo(512);
        assertThat(huge.mc).isLessThanOrEqualTo(64 * huge.mr);
        assertThat(huge.nc).isLessThanOrEqualTo(4096);
    }

    @Test
    void cacheSizesAsLinuxWritesThemAreParsed() {
        assertThat(GemmBlocking.parseSize("48K\n")).isEqualTo(48 * 1024);
        assertThat(GemmBlocking.parseSize("2048K")).isEqualTo(2048 * 1024);
        assertThat(GemmBlocking.parseSize("1M")).isEqualTo(1024 * 1024);
        assertThat(GemmBlocking.parseSize("32768")).isEqualTo(32768);
        assertThat(GemmBlocking.parseSize("lots")).isEqualTo(-1);
    }

    @Test
    void missingCacheLevelFallsBack() {
        assertThat(GemmBlocking.cacheSize(9, "Data", 12345)).isEqualTo(12345);
    }

    /** An A micro-panel in half of L1d, the packed B block in half of L2 and the A block in a quarter. */
    private static void assertFits(GemmBlocking b) {
        assertThat(4L * b.kc * b.mr).isLessThanOrEqualTo(b.l1d / 2);
        assertThat(4L * b.kc * b.nc).isLessThanOrEqualTo(b.l2 / 2);
        assertThat(4L * b.mc * b.kc).isLessThanOrEqualTo(b.l2 / 4);
        assertThat(b.kc % 16).isZero();
        assertThat(b.mc % b.mr).isZero();
        assertThat(b.nc % b.nr).isZero();
    }
}
