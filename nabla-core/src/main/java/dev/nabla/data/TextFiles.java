package dev.nabla.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
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
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + ": no such file");
        } catch (CharacterCodingException e) {
            throw notUtf8(file);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read", e);
        }
        List<String> kept = new ArrayList<>();
        for (String l : lines) if (!l.isBlank()) kept.add(l.strip());
        if (kept.isEmpty()) throw new IllegalArgumentException(file + ": no non-blank lines");
        return kept;
    }

    /** The error for a file that failed to decode as UTF-8: where the first bad byte is. */
    static IllegalArgumentException notUtf8(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read", e);
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CoderResult r = decoder.decode(in, CharBuffer.allocate(bytes.length + 1), true);
        int at = r.isError() ? in.position() : bytes.length;
        int line = 1;
        for (int i = 0; i < at; i++) if (bytes[i] == '\n') line++;
        String bad = at < bytes.length ? String.format(" (byte 0x%02X at offset %d)", bytes[at] & 0xFF, at) : "";
        return new IllegalArgumentException(file + " line " + line + ": not UTF-8" + bad + "; convert the file to UTF-8 (e.g. iconv -f latin1 -t utf-8)");
    }
}
