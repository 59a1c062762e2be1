package dev.nabla.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * TensorFlow's record framing, the container of TensorBoard's event files: each record is its length (uint64), the
 * masked CRC32C of those 8 bytes (uint32), the data, and the masked CRC32C of the data (uint32), all little-endian.
 * The mask (rotate right by 15 bits, add 0xa282ead8) is TensorFlow's, so that a CRC of data holding CRCs stays
 * informative.
 *
 * <pre>{@code
 * byte[] record = TfRecords.frame("hello".getBytes(java.nio.charset.StandardCharsets.UTF_8));
 * List<byte[]> back = TfRecords.read(record, "example");   // [hello]
 * }</pre>
 */
public final class TfRecords {

    private static final int MASK_DELTA = 0xa282ead8;
    private static final int HEADER = 12, FOOTER = 4;

    private TfRecords() {
    }

    /** The masked CRC32C of {@code bytes[offset, offset + length)}, as TensorFlow's {@code crc32c::Mask}. */
    public static int maskedCrc32c(byte[] bytes, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, offset, length);
        int c = (int) crc.getValue();
        return Integer.rotateRight(c, 15) + MASK_DELTA;
    }

    /** One record holding {@code data}. */
    public static byte[] frame(byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(HEADER + data.length + FOOTER).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(data.length);
        b.putInt(maskedCrc32c(b.array(), 0, 8));
        b.put(data);
        b.putInt(maskedCrc32c(data, 0, data.length));
        return b.array();
    }

    /** The records of {@code bytes} (a whole file, named {@code source} in errors), each checked against its CRCs. */
    public static List<byte[]> read(byte[] bytes, String source) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        List<byte[]> records = new ArrayList<>();
        while (b.hasRemaining()) {
            int at = b.position();
            if (b.remaining() < HEADER) throw corrupt(source, at, "a truncated header (" + b.remaining() + " bytes)");
            long length = b.getLong();
            if (b.getInt() != maskedCrc32c(bytes, at, 8)) throw corrupt(source, at, "a length whose CRC does not match");
            if (length < 0 || length > b.remaining() - FOOTER) throw corrupt(source, at, "length " + length + " but " + (b.remaining() - FOOTER) + " bytes left");
            byte[] data = new byte[(int) length];
            b.get(data);
            if (b.getInt() != maskedCrc32c(data, 0, data.length)) throw corrupt(source, at, "data whose CRC does not match");
            records.add(data);
        }
        return records;
    }

    private static IllegalArgumentException corrupt(String source, int offset, String what) {
        return new IllegalArgumentException(source + ": the record at byte " + offset + " has " + what);
    }
}
