package dev.nabla.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Text files read as UTF-8, strictly: a byte sequence that is not UTF-8 is an error naming the file, the line and
 * the byte, never a silently replaced character.
 *
 * <pre>{@code
 * List<String> words = TextFiles.nonBlankLines(Path.of("/usr/share/dict/words"));
 * }</pre>
 */
public final class TextFiles {

    private TextFiles() {}

    /** The file's lines, trimmed, blank ones left out. */
    public static List<String> nonBlankLines(Path file) {
        List<String> kept = new ArrayList<>();
        for (String l : readUtf8(file).split("\\R")) if (!l.isBlank()) kept.add(l.strip());
        if (kept.isEmpty()) throw new IllegalArgumentException(file + ": no non-blank lines");
        return kept;
    }

    /**
     * The whole file decoded as UTF-8 (a byte-order mark dropped); bytes that are not UTF-8 (a Latin-1 export, say)
     * are refused naming the line and the offset of the first, rather than the decoder's bare "Input length = 1".
     */
    public static String readUtf8(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + ": no such file");
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read", e);
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult r = decoder.decode(in, out, true);
        if (r.isUnderflow()) r = decoder.flush(out);
        if (r.isError()) {
            int at = in.position(), line = 1;
            for (int i = 0; i < at; i++) if (bytes[i] == '\n') line++;
            throw new IllegalArgumentException(file + " line " + line + ": not UTF-8 (byte " + String.format("0x%02X", bytes[at] & 0xFF)
                    + " at offset " + at + "); convert the file to UTF-8 (e.g. iconv -f latin1 -t utf-8)");
        }
        out.flip();
        String text = out.toString();
        return text.startsWith("\uFEFF") ? text.substring(1) : text; // a byte-order mark is not part of the header
    }
}
