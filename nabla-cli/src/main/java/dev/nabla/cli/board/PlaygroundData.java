package dev.nabla.cli.board;

import dev.nabla.tensor.Rng;

import java.util.ArrayList;
import java.util.List;

/**
 * The playground's 2-D points, each with a label 0 or 1: the four generated sets (drawn from a seeded generator, so
 * one seed gives the same points) and a user's CSV of {@code x,y,label} rows.
 */
final class PlaygroundData {

    static final List<String> DATASETS = List.of("xor", "circles", "spiral", "moons");

    /** {@code n} points: {@code xy} holds x0, y0, x1, y1, ...; {@code labels} 0 or 1. */
    record Points(float[] xy, float[] labels) {
        int size() {
            return labels.length;
        }
    }

    private PlaygroundData() {}

    /**
     * {@code n} points of the named set, each coordinate moved by Gaussian noise of standard deviation {@code noise};
     * the sets lie in about [-1, 1] on both axes, half the points in each class.
     */
    static Points generate(String dataset, int n, double noise, long seed) {
        Rng rng = new Rng(seed);
        float[] xy = new float[2 * n], labels = new float[n];
        for (int i = 0; i < n; i++) {
            int label = i % 2;
            double[] p = switch (dataset) {
                case "xor" -> xor(rng);
                case "circles" -> circle(rng, label);
                case "spiral" -> spiral(rng, label, i / 2, (n + 1) / 2);
                case "moons" -> moon(rng, label);
                default -> throw new IllegalArgumentException("dataset: expected one of " + DATASETS + " or csv, got '" + dataset + "'");
            };
            if (dataset.equals("xor")) label = p[0] * p[1] > 0 ? 1 : 0;
            xy[2 * i] = (float) (p[0] + noise * rng.nextGaussian());
            xy[2 * i + 1] = (float) (p[1] + noise * rng.nextGaussian());
            labels[i] = label;
        }
        return new Points(xy, labels);
    }

    /** Uniform in the four quadrants, kept 0.1 away from the axes so that without noise the classes are apart. */
    private static double[] xor(Rng rng) {
        return new double[] {awayFromZero(rng), awayFromZero(rng)};
    }

    private static double awayFromZero(Rng rng) {
        double u = 2 * rng.nextDouble() - 1;
        return Math.signum(u) * 0.1 + u * 0.9;
    }

    /** Class 1 in a disk of radius 0.5, class 0 in the ring from 0.7 to 1. */
    private static double[] circle(Rng rng, int label) {
        double r = label == 1 ? 0.5 * Math.sqrt(rng.nextDouble()) : 0.7 + 0.3 * rng.nextDouble();
        double t = 2 * Math.PI * rng.nextDouble();
        return new double[] {r * Math.cos(t), r * Math.sin(t)};
    }

    /** Two arms winding out from the centre, one and a half turns, the second turned by half a turn. */
    private static double[] spiral(Rng rng, int label, int k, int perArm) {
        double f = perArm <= 1 ? 0 : (double) k / (perArm - 1);
        double r = 0.05 + 0.95 * f, t = 3 * Math.PI * f + label * Math.PI;
        return new double[] {r * Math.cos(t), r * Math.sin(t)};
    }

    /** Two interleaved half circles (as scikit-learn's make_moons), centred on the origin. */
    private static double[] moon(Rng rng, int label) {
        double t = Math.PI * rng.nextDouble();
        double x = label == 0 ? Math.cos(t) : 1 - Math.cos(t), y = label == 0 ? Math.sin(t) : 0.5 - Math.sin(t);
        return new double[] {(x - 0.5) * 0.9, (y - 0.25) * 0.9};
    }

    /**
     * A user's points from CSV text: rows {@code x,y,label} (label 0 or 1), an optional header line first, blank
     * lines skipped; at most {@code maxPoints} rows. A bad row is an IllegalArgumentException naming its line.
     */
    static Points csv(String text, int maxPoints) {
        List<float[]> rows = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty()) continue;
            String[] cells = line.split(",", -1);
            if (rows.isEmpty() && i == firstLine(lines) && !numeric(cells[0].strip())) continue; // a header
            String where = "csv line " + (i + 1);
            if (cells.length != 3) throw new IllegalArgumentException(where + ": expected 3 values (x,y,label), got " + cells.length + " in '" + line + "'");
            float x = number(cells[0], where, "x"), y = number(cells[1], where, "y"), label = number(cells[2], where, "label");
            if (label != 0 && label != 1) throw new IllegalArgumentException(where + ": label must be 0 or 1, got " + cells[2].strip());
            if (rows.size() == maxPoints) throw new IllegalArgumentException("csv: more than " + maxPoints + " points (line " + (i + 1) + ")");
            rows.add(new float[] {x, y, label});
        }
        if (rows.size() < 2) throw new IllegalArgumentException("csv: expected at least 2 rows x,y,label, got " + rows.size());
        float[] xy = new float[2 * rows.size()], labels = new float[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            xy[2 * i] = rows.get(i)[0];
            xy[2 * i + 1] = rows.get(i)[1];
            labels[i] = rows.get(i)[2];
        }
        return new Points(xy, labels);
    }

    private static int firstLine(String[] lines) {
        for (int i = 0; i < lines.length; i++) if (!lines[i].isBlank()) return i;
        return -1;
    }

    private static boolean numeric(String s) {
        try {
            Double.parseDouble(s);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static float number(String cell, String where, String column) {
        String s = cell.strip();
        try {
            float v = Float.parseFloat(s);
            if (Float.isFinite(v)) return v;
        } catch (NumberFormatException e) {
            // told below
        }
        throw new IllegalArgumentException(where + ": " + column + " '" + s + "' is not a finite number");
    }
}
