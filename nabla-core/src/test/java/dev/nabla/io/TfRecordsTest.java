package dev.nabla.io;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * TensorFlow's record framing against vectors made by this plain-Python script (a bitwise CRC32C, TensorFlow's
 * documented mask); its unmasked CRCs of "123456789" (0xe3069283) and of 32 zero bytes (0x8a9136aa) are the
 * published CRC32C check values (RFC 3720):
 *
 * <pre>
 * import struct
 * def crc32c(data):
 *     crc = 0xFFFFFFFF
 *     for b in data:
 *         crc ^= b
 *         for _ in range(8):
 *             crc = (crc >> 1) ^ (0x82F63B78 if crc &amp; 1 else 0)
 *     return crc ^ 0xFFFFFFFF
 * def masked(data):
 *     c = crc32c(data)
 *     return ((((c >> 15) | (c << 17)) &amp; 0xFFFFFFFF) + 0xA282EAD8) &amp; 0xFFFFFFFF
 * for d in [b"", b"123456789", bytes(32), b"hello"]:
 *     print(d, "masked 0x%08x" % masked(d))
 * h = struct.pack("&lt;Q", 5)
 * print((h + struct.pack("&lt;I", masked(h)) + b"hello" + struct.pack("&lt;I", masked(b"hello"))).hex())
 * </pre>
 */
class TfRecordsTest {

    private static int masked(String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        return TfRecords.maskedCrc32c(b, 0, b.length);
    }

    @Test
    void maskedCrc32cMatchesTensorFlowsMaskOfTheCheckValues() {
        assertThat(masked("")).isEqualTo(0xa282ead8);
        assertThat(masked("123456789")).isEqualTo(0xc78ab0e5);
        assertThat(TfRecords.maskedCrc32c(new byte[32], 0, 32)).isEqualTo(0x0fd7fffa);
        assertThat(masked("hello")).isEqualTo(0x191c1fbb);
    }

    @Test
    void maskedCrc32cCoversOnlyTheGivenRange() {
        byte[] b = "xx123456789yy".getBytes(StandardCharsets.US_ASCII);
        assertThat(TfRecords.maskedCrc32c(b, 2, 9)).isEqualTo(0xc78ab0e5);
    }

    @Test
    void aRecordIsItsLengthTheLengthsCrcTheDataAndTheDatasCrc() {
        byte[] record = TfRecords.frame("hello".getBytes(StandardCharsets.US_ASCII));
        assertThat(HexFormat.of().formatHex(record)).isEqualTo("0500000000000000eab2043e68656c6c6fbb1f1c19");
    }

    @Test
    void readGivesBackEachFramedRecordInOrder() {
        byte[] a = TfRecords.frame("first".getBytes(StandardCharsets.UTF_8)), b = TfRecords.frame(new byte[0]);
        byte[] file = new byte[a.length + b.length];
        System.arraycopy(a, 0, file, 0, a.length);
        System.arraycopy(b, 0, file, a.length, b.length);
        assertThat(TfRecords.read(file, "f")).satisfiesExactly(
                r -> assertThat(new String(r, StandardCharsets.UTF_8)).isEqualTo("first"),
                r -> assertThat(r).isEmpty());
    }

    @Test
    void readRefusesAFlippedByteOrATruncatedRecordNamingTheFileAndOffset() {
        byte[] a = TfRecords.frame("first".getBytes(StandardCharsets.UTF_8));
        byte[] record = new byte[2 * a.length];
        System.arraycopy(a, 0, record, 0, a.length);
        System.arraycopy(a, 0, record, a.length, a.length);
        record[a.length + 13] ^= 1;
        assertThatThrownBy(() -> TfRecords.read(record, "events.out"))
                .hasMessage("events.out: the record at byte 21 has data whose CRC does not match");
        byte[] truncated = java.util.Arrays.copyOf(a, a.length - 1);
        assertThatThrownBy(() -> TfRecords.read(truncated, "events.out"))
                .hasMessage("events.out: the record at byte 0 has length 5 but 4 bytes left");
        byte[] badLength = a.clone();
        badLength[0] = 6;
        assertThatThrownBy(() -> TfRecords.read(badLength, "events.out"))
                .hasMessage("events.out: the record at byte 0 has a length whose CRC does not match");
    }
}
