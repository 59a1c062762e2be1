package dev.nabla.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A CSV table as it is in the file: named columns of raw strings (no type is guessed here; {@link Preprocessor}
 * does that), with the line each row came from, so that later errors can name it. The first line is the header;
 * fields may be quoted as RFC 4180 allows; the file must be UTF-8 (other bytes are refused naming their line).
 *
 * <pre>{@code
 * Table t = Table.read("city,size\nOslo,3\n\"Paris, FR\",\n", "cities.csv");
 * String first = t.column("city")[0];   // Oslo
 * }</pre>
 */
public final class Table {

    private final String source;
    private final List<String> names;
    /** cells[column][row] */
    private final String[][] cells;
    private final int[] lines;

    private Table(String source, List<String> names, String[][] cells, int[] lines) {
        this.source = source;
        this.names = List.copyOf(names);
        this.cells = cells;
        this.lines = lines;
    }

    public static Table read(Path file) {
        return read(TextFiles.readUtf8(file), file.getFileName().toString());
    }

    /** Parses {@code text}; {@code source} names it in errors (a file name). */
    public static Table read(String text, String source) {
        CsvParser parser = CsvParser.of(text, ',', source);
        try {
            List<String> header = parser.nextNonBlank();
            if (header == null) throw new IllegalArgumentException(source + ": empty file");
            List<String> names = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            for (String h : header) {
                String name = h.trim();
                if (name.isEmpty()) throw new IllegalArgumentException(source + " line 1: column " + (names.size() + 1) + " has no name in the header");
                if (!seen.add(name)) throw new IllegalArgumentException(source + " line 1: column name '" + name + "' appears twice in the header");
                names.add(name);
            }
            List<List<String>> rows = new ArrayList<>();
            List<Integer> lineOf = new ArrayList<>();
            for (List<String> rec = parser.nextNonBlank(); rec != null; rec = parser.nextNonBlank()) {
                if (rec.size() != names.size()) {
                    throw new IllegalArgumentException(source + " line " + parser.recordLine() + ": expected " + names.size() + " fields, got " + rec.size());
                }
                rows.add(rec);
                lineOf.add(parser.recordLine());
            }
            if (rows.isEmpty()) throw new IllegalArgumentException(source + ": no data rows");
            String[][] cells = new String[names.size()][rows.size()];
            for (int i = 0; i < rows.size(); i++) {
                for (int j = 0; j < names.size(); j++) cells[j][i] = rows.get(i).get(j);
            }
            return new Table(source, names, cells, lineOf.stream().mapToInt(Integer::intValue).toArray());
        } catch (IOException e) {
            throw new UncheckedIOException(source + ": cannot read", e);
        }
    }

    /** Where the table came from (a file name), for messages. */
    public String source() {
        return source;
    }

    public List<String> names() {
        return names;
    }

    public boolean has(String column) {
        return names.contains(column);
    }

    public int rows() {
        return lines.length;
    }

    /** The line of the file row {@code row} (0-based) started on; the header is line 1. */
    public int line(int row) {
        return lines[row];
    }

    /** The column's raw cells, one per row (a copy). */
    public String[] column(String name) {
        int j = names.indexOf(name);
        if (j < 0) throw new IllegalArgumentException(source + ": no column '" + name + "'; columns are " + names);
        return cells[j].clone();
    }

    /** The rows at {@code indices}, in that order (e.g. the training part of a split). */
    public Table subset(int[] indices) {
        String[][] out = new String[names.size()][indices.length];
        int[] outLines = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            for (int j = 0; j < names.size(); j++) out[j][i] = cells[j][indices[i]];
            outLines[i] = lines[indices[i]];
        }
        return new Table(source, names, out, outLines);
    }

    /** The column names of {@code columns} that this table lacks, in their order. */
    public List<String> missing(List<String> columns) {
        List<String> absent = new ArrayList<>(columns);
        absent.removeAll(names);
        return Collections.unmodifiableList(absent);
    }
}
