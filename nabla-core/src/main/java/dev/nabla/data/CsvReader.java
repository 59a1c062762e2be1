package dev.nabla.data;

import dev.nabla.tensor.Tensor;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Reads a CSV table into a {@link Dataset}: numeric feature columns and one target column. A numeric target is
 * kept as is (regression, or class indices); a non-numeric target is a class label, mapped to indices in sorted
 * order of the labels (as scikit-learn's LabelEncoder), and the names are kept in {@link Dataset#classNames()}.
 * Fields may be quoted (RFC 4180: embedded delimiters, doubled quotes, line breaks). Nothing is dropped silently:
 * a ragged row, a feature that is not a finite float (NaN, infinities, overflow) or an empty target is an error
 * naming the file, the line (the header is line 1) and the column.
 *
 * <pre>{@code
 * CsvData data = CsvReader.withHeader().target("species").read(Path.of("iris.csv"));
 * }</pre>
 */
public final class CsvReader {

    private boolean header = true;
    private char delimiter = ',';
    private String targetName;
    private int targetIndex = -1;
    private boolean noTarget;

    private CsvReader() {}

    /** A reader for files whose first line names the columns; the target defaults to the last column. */
    public static CsvReader withHeader() {
        return new CsvReader();
    }

    public static CsvReader withoutHeader() {
        CsvReader r = new CsvReader();
        r.header = false;
        return r;
    }

    public CsvReader delimiter(char d) {
        this.delimiter = d;
        return this;
    }

    /** The target column by header name. */
    public CsvReader target(String name) {
        this.targetName = name;
        this.targetIndex = -1;
        return this;
    }

    /** The target column by 0-based index (negative counts from the end: -1 is the last). */
    public CsvReader target(int index) {
        this.targetIndex = index;
        this.targetName = null;
        return this;
    }

    /** Every column is a feature (e.g. data to predict); the targets are zeros. */
    public CsvReader noTarget() {
        this.noTarget = true;
        return this;
    }

    /** The columns, the dataset, and the class names when the target holds labels. */
    public record CsvData(Dataset dataset, List<String> featureNames, String targetName) {}

    /** Reads the file as UTF-8; other bytes are refused naming their line. */
    public CsvData read(Path file) {
        return read(TextFiles.readUtf8(file), file.getFileName().toString());
    }

    public CsvData read(String text, String sourceName) {
        try {
            return read(new StringReader(text), sourceName);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private CsvData read(Reader reader, String source) throws IOException {
        Rows table = rows(reader, source);
        List<String> names = table.names();
        List<String[]> rows = table.rows();
        int columns = names.size();
        int target = noTarget ? -1 : resolveTarget(names, source);
        int n = rows.size(), f = noTarget ? columns : columns - 1;
        float[] x = new float[n * f];
        List<String> featureNames = new ArrayList<>(names);
        if (!noTarget) featureNames.remove(target);
        for (int i = 0; i < n; i++) {
            String[] row = rows.get(i);
            for (int j = 0, k = 0; j < columns; j++) {
                if (j == target) continue;
                x[i * f + k++] = number(row[j], source, table.lines().get(i), names.get(j));
            }
        }
        if (noTarget) return new CsvData(new Dataset(Tensor.of(x, n, f), Tensor.zeros(n)), featureNames, null);
        Targets y = targets(table, target, source);
        Dataset d = new Dataset(Tensor.of(x, n, f), y.values(), y.classNames());
        return new CsvData(d, featureNames, names.get(target));
    }

    /** The column names and the data rows (blank lines left out), each with the line it starts on; ragged rows refused. */
    private record Rows(List<String> names, List<String[]> rows, List<Integer> lines) {}

    private Rows rows(Reader reader, String source) throws IOException {
        CsvParser parser = new CsvParser(new BufferedReader(reader), delimiter, source);
        List<String> names;
        List<String> first = parser.next();
        if (first == null) throw new IllegalArgumentException(source + ": empty file");
        if (header) {
            names = first;
            first = parser.next();
        } else {
            names = new ArrayList<>();
            for (int i = 0; i < first.size(); i++) names.add("column_" + i);
        }
        int columns = names.size();
        List<String[]> rows = new ArrayList<>();
        List<Integer> lines = new ArrayList<>();
        for (List<String> rec = first; rec != null; rec = parser.next()) {
            // A blank line, but not a quoted empty field: in a one-column file that is an empty text, a row of its own.
            if (rec.size() == 1 && rec.get(0).isBlank() && !parser.hadQuotes()) continue;
            if (rec.size() != columns) {
                throw new IllegalArgumentException(source + " line " + parser.recordLine() + ": expected " + columns + " fields, got " + rec.size());
            }
            rows.add(rec.toArray(new String[0]));
            lines.add(parser.recordLine());
        }
        if (rows.isEmpty()) throw new IllegalArgumentException(source + ": no data rows");
        return new Rows(names, rows, lines);
    }

    /** A target column's values [n], and the class names when it holds labels (null when numeric). */
    private record Targets(Tensor values, List<String> classNames) {}

    private static Targets targets(Rows table, int target, String source) {
        List<String[]> rows = table.rows();
        List<Integer> lines = table.lines();
        String name = table.names().get(target);
        int n = rows.size();
        // An empty cell would make a numeric target a set of labels (and "" a class): refuse it before inferring.
        for (int i = 0; i < n; i++) requireTarget(rows.get(i)[target], source, lines.get(i), name);
        boolean numericTarget = true;
        for (String[] row : rows) numericTarget &= isNumber(row[target]);
        float[] y = new float[n];
        List<String> classNames = null;
        if (numericTarget) {
            for (int i = 0; i < n; i++) y[i] = number(rows.get(i)[target], source, lines.get(i), name);
        } else {
            TreeSet<String> labels = new TreeSet<>();
            for (String[] row : rows) labels.add(row[target].trim());
            classNames = new ArrayList<>(labels);
            for (int i = 0; i < n; i++) y[i] = classNames.indexOf(rows.get(i)[target].trim());
        }
        return new Targets(Tensor.of(y, n), classNames);
    }

    /**
     * One text column and the target, for text models: the texts in file order, the targets as {@link #read(Path)}
     * reads them (zeros and no target name with {@link #noTarget()}). Other columns are not read.
     */
    public record TextData(List<String> texts, Tensor y, List<String> classNames, String targetName) {}

    /** The column {@code textColumn} (by header name) and the target; see {@link TextData}. */
    public TextData readText(Path file, String textColumn) {
        return readText(TextFiles.readUtf8(file), file.getFileName().toString(), textColumn);
    }

    public TextData readText(String text, String sourceName, String textColumn) {
        try {
            return readText(new StringReader(text), sourceName, textColumn);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private TextData readText(Reader reader, String source, String textColumn) throws IOException {
        Rows table = rows(reader, source);
        int column = table.names().indexOf(textColumn);
        if (column < 0) throw new IllegalArgumentException(source + ": no text column '" + textColumn + "'; columns are " + table.names());
        List<String> texts = new ArrayList<>();
        for (String[] row : table.rows()) texts.add(row[column]);
        if (noTarget) return new TextData(texts, Tensor.zeros(texts.size()), null, null);
        int target = resolveTarget(table.names(), source);
        if (target == column) throw new IllegalArgumentException(source + ": the text column '" + textColumn + "' cannot also be the target");
        Targets y = targets(table, target, source);
        return new TextData(texts, y.values(), y.classNames(), table.names().get(target));
    }

    /**
     * Streams a file too large for memory, {@code batchSize} rows at a time in file order, re-reading it every epoch.
     * Targets are numbers, or labels out of {@code classNames} (which must be known up front; null for numeric
     * targets), mapped to their index there. Errors name the file and line, as {@link #read(Path)}.
     */
    public BatchSource stream(Path file, int batchSize, List<String> classNames) {
        return stream(() -> open(file), file.getFileName().toString(), batchSize, classNames);
    }

    /** {@link #stream(Path, int, List)} reading each pass from a reader of {@code open} (tests watch it closed). */
    BatchSource stream(Supplier<BufferedReader> open, String source, int batchSize, List<String> classNames) {
        if (batchSize <= 0) throw new IllegalArgumentException("CsvReader.stream: batch size must be positive, got " + batchSize);
        return epoch -> new BatchIterator() {
            private final BufferedReader in = open.get();
            private final CsvParser parser = new CsvParser(in, delimiter, source);
            private final List<String> names;
            private final int columns;
            private final int target;
            private List<String> pending;

            {
                try {
                    List<String> first = parser.next();
                    if (first == null) throw new IllegalArgumentException(source + ": empty file");
                    if (header) {
                        names = first;
                    } else {
                        names = new ArrayList<>();
                        for (int i = 0; i < first.size(); i++) names.add("column_" + i);
                        pending = first;
                    }
                    columns = names.size();
                    target = resolveTarget(names, source);
                    if (pending == null) pending = nextRecord();
                } catch (IOException e) {
                    close();
                    throw new UncheckedIOException(source + ": cannot read", e);
                } catch (RuntimeException e) {
                    close(); // the caller gets no iterator to close
                    throw e;
                }
            }

            private List<String> nextRecord() throws IOException {
                List<String> rec = parser.nextNonBlank();
                if (rec == null) in.close();
                return rec;
            }

            @Override
            public boolean hasNext() {
                return pending != null;
            }

            @Override
            public Batch next() {
                if (pending == null) throw new java.util.NoSuchElementException();
                int f = columns - 1;
                float[] x = new float[batchSize * f], y = new float[batchSize];
                int rows = 0;
                try {
                    for (; rows < batchSize && pending != null; rows++, pending = nextRecord()) {
                        if (pending.size() != columns) {
                            throw new IllegalArgumentException(source + " line " + parser.recordLine() + ": expected " + columns + " fields, got " + pending.size());
                        }
                        for (int j = 0, k = 0; j < columns; j++) {
                            if (j != target) x[rows * f + k++] = number(pending.get(j), source, parser.recordLine(), names.get(j));
                        }
                        String t = requireTarget(pending.get(target), source, parser.recordLine(), names.get(target));
                        if (classNames != null) {
                            int c = classNames.indexOf(t);
                            if (c < 0) throw new IllegalArgumentException(source + " line " + parser.recordLine() + ": label '" + t + "' is not one of " + classNames);
                            y[rows] = c;
                        } else {
                            y[rows] = number(t, source, parser.recordLine(), names.get(target));
                        }
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(source + ": cannot read", e);
                }
                return new Batch(Tensor.of(java.util.Arrays.copyOf(x, rows * f), rows, f), Tensor.of(java.util.Arrays.copyOf(y, rows), rows));
            }

            @Override
            public void close() {
                try {
                    in.close();
                } catch (IOException e) {
                    throw new UncheckedIOException(source + ": cannot close", e);
                }
            }
        };
    }

    private static BufferedReader open(Path file) {
        try {
            return Files.newBufferedReader(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + ": no such file");
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read", e);
        }
    }

    private int resolveTarget(List<String> names, String source) {
        if (targetName != null) {
            int i = names.indexOf(targetName);
            if (i < 0) throw new IllegalArgumentException(source + ": no target column '" + targetName + "'; columns are " + names);
            return i;
        }
        int i = targetIndex < 0 ? names.size() + targetIndex : targetIndex;
        if (i < 0 || i >= names.size()) {
            throw new IllegalArgumentException(source + ": target column " + targetIndex + " out of range; the file has " + names.size() + " columns");
        }
        return i;
    }

    private static boolean isNumber(String s) {
        try {
            Float.parseFloat(s.trim());
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** A finite float: NaN, infinities and numbers beyond float range (parsed as infinity) are errors for now. */
    private static float number(String s, String source, int line, String column) {
        float v;
        try {
            v = Float.parseFloat(s.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(source + " line " + line + ": column '" + column + "' must be numeric, got '" + s + "'");
        }
        if (!Float.isFinite(v)) {
            String overflow = Float.isInfinite(v) && !s.contains("Infinity") ? " (too large for a float)" : "";
            throw new IllegalArgumentException(source + " line " + line + ": column '" + column + "' must be a finite number, got '" + s + "'" + overflow);
        }
        return v;
    }

    /** The target cell, trimmed; an empty one is an error rather than a class of its own. */
    private static String requireTarget(String cell, String source, int line, String column) {
        String t = cell.trim();
        if (t.isEmpty()) throw new IllegalArgumentException(source + " line " + line + ": target column '" + column + "' is empty");
        return t;
    }
}
