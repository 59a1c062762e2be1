package dev.nabla.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
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
 * Splits CSV records per RFC 4180 (quoted fields with embedded delimiters, doubled quotes and line breaks), tracking
 * the line each record starts on; shared by {@link CsvReader} and {@link Table}.
 */
final class CsvParser {
    private final BufferedReader in;
    private final char delimiter;
    private final String source;
    private int line;
    private int recordLine;

    CsvParser(BufferedReader in, char delimiter, String source) {
        this.in = in;
        this.delimiter = delimiter;
        this.source = source;
    }

    /**
     * The whole file decoded as UTF-8; bytes that are not UTF-8 (a Latin-1 export, say) are refused naming the line
     * they are on, rather than the decoder's bare "Input length = 1".
     */
    static String readUtf8(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + ": no such file");
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read", e);
        }
        return decodeUtf8(bytes, file.getFileName().toString());
    }

    static String decodeUtf8(byte[] bytes, String source) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult r = decoder.decode(in, out, true);
        if (r.isUnderflow()) r = decoder.flush(out);
        if (r.isError()) {
            int at = in.position(), line = 1;
            for (int i = 0; i < at; i++) if (bytes[i] == '\n') line++;
            throw new IllegalArgumentException(source + " line " + line + ": byte 0x" + String.format("%02X", bytes[at] & 0xFF)
                    + " is not UTF-8; save the file as UTF-8 (e.g. iconv -f latin1 -t utf-8)");
        }
        out.flip();
        String text = out.toString();
        return text.startsWith("\uFEFF") ? text.substring(1) : text; // a byte-order mark is not part of the header
    }

    static CsvParser of(String text, char delimiter, String source) {
        return new CsvParser(new BufferedReader(new StringReader(text)), delimiter, source);
    }

    int recordLine() {
        return recordLine;
    }

    /** The next record that is not a blank line, or null at end of input. */
    List<String> nextNonBlank() throws IOException {
        List<String> rec;
        do {
            rec = next();
        } while (rec != null && rec.size() == 1 && rec.get(0).isBlank());
        return rec;
    }

    /** The next record's fields, or null at end of input. */
    List<String> next() throws IOException {
        String l = in.readLine();
        if (l == null) return null;
        line++;
        recordLine = line;
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        int i = 0;
        while (true) {
            if (i == l.length()) {
                if (!quoted) break;
                String more = in.readLine(); // a quoted field spans lines
                if (more == null) throw new IllegalArgumentException(source + " line " + recordLine + ": unterminated quoted field");
                line++;
                field.append('\n');
                l = more;
                i = 0;
                continue;
            }
            char c = l.charAt(i++);
            if (quoted) {
                if (c == '"') {
                    if (i < l.length() && l.charAt(i) == '"') {
                        field.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    field.append(c);
                }
            } else if (c == '"' && field.length() == 0) {
                quoted = true;
            } else if (c == delimiter) {
                fields.add(field.toString());
                field.setLength(0);
            } else {
                field.append(c);
            }
        }
        fields.add(field.toString());
        return fields;
    }
}
