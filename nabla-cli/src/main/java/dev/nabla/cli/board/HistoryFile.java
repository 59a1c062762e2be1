package dev.nabla.cli.board;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a run's {@code history.csv} as {@code nabla train} writes it (CsvLogger: {@code epoch,loss,...}, one row per
 * epoch, a newline after each). Strict: a row with the wrong number of values, a value that is not a number, or a
 * last line without its newline (a file half-written by something other than Nabla's atomic writer) is refused
 * with one line naming the file and line, so the page shows that run's error and the others still work.
 */
final class HistoryFile {

    /** A history larger than this is not a training log; refused rather than read into memory. */
    static final long MAX_BYTES = 16L << 20;

    /** The epochs and each series by column name, in the file's order; an empty cell is null. */
    record History(List<Integer> epochs, Map<String, List<Double>> series) {
        /** The last value of each series without a '/' (the loss and metrics, not the per-layer ones). */
        Map<String, Double> last() {
            Map<String, Double> m = new LinkedHashMap<>();
            series.forEach((k, v) -> {
                if (!k.contains("/") && !v.isEmpty()) m.put(k, v.get(v.size() - 1));
            });
            return m;
        }

        Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("epochs", epochs);
            m.put("series", series);
            return m;
        }
    }

    private HistoryFile() {}

    static History read(Path file, String name) throws IOException {
        if (Files.size(file) > MAX_BYTES) throw new IllegalArgumentException(name + ": larger than " + (MAX_BYTES >> 20) + " MB; not a training history");
        return parse(Files.readString(file, StandardCharsets.UTF_8), name);
    }

    static History parse(String text, String name) {
        if (text.isEmpty()) throw new IllegalArgumentException(name + ": empty");
        if (!text.endsWith("\n")) throw new IllegalArgumentException(name + ": the last line has no newline (half-written?)");
        String[] lines = text.split("\n");
        String[] header = lines[0].split(",", -1);
        if (!header[0].equals("epoch")) throw new IllegalArgumentException(name + " line 1: expected a header starting with 'epoch', got '" + lines[0] + "'");
        Map<String, List<Double>> series = new LinkedHashMap<>();
        for (int c = 1; c < header.length; c++) series.put(header[c], new ArrayList<>());
        List<Integer> epochs = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            String[] cells = lines[i].split(",", -1);
            if (cells.length != header.length) {
                throw new IllegalArgumentException(name + " line " + (i + 1) + ": expected " + header.length + " values, got " + cells.length);
            }
            try {
                epochs.add(Integer.parseInt(cells[0]));
                for (int c = 1; c < cells.length; c++) series.get(header[c]).add(cells[c].isEmpty() ? null : Double.parseDouble(cells[c]));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + " line " + (i + 1) + ": not a number in '" + lines[i] + "'");
            }
        }
        return new History(epochs, series);
    }
}
