package dev.nabla.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
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
    private boolean hadQuotes;

    CsvParser(BufferedReader in, char delimiter, String source) {
        this.in = in;
        this.delimiter = delimiter;
        this.source = source;
    }

    static CsvParser of(String text, char delimiter, String source) {
        return new CsvParser(new BufferedReader(new StringReader(text)), delimiter, source);
    }

    int recordLine() {
        return recordLine;
    }

    /** Whether the last record had a quoted field (a quoted empty field is a value, not a blank line). */
    boolean hadQuotes() {
        return hadQuotes;
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
        hadQuotes = false;
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
                hadQuotes = true;
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
