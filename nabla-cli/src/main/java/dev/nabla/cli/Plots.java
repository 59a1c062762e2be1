package dev.nabla.cli;

import dev.nabla.io.AtomicFiles;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** PNG line charts of a training history: one chart per quantity, training and validation as two lines. */
final class Plots {

    static {
        System.setProperty("java.awt.headless", "true");
    }

    private Plots() {}

    /**
     * Writes {@code <metric>.png} into {@code dir} for "loss" and each other metric of the history (with its
     * {@code val_} twin on the same chart); returns the files written.
     */
    static List<Path> write(Map<String, List<Double>> history, Path dir) {
        List<Path> written = new ArrayList<>();
        Map<String, List<Double>> gradients = new java.util.LinkedHashMap<>();
        history.forEach((k, v) -> {
            if (k.startsWith("grad_norm/")) gradients.put(k.substring("grad_norm/".length()), v);
        });
        if (!gradients.isEmpty()) {
            Path file = dir.resolve("gradients.png");
            AtomicFiles.write(file, gradientPng(gradients));
            written.add(file);
        }
        for (String key : history.keySet()) {
            if (key.startsWith("val_") || key.contains("/")) continue;
            Path file = dir.resolve(key + ".png");
            AtomicFiles.write(file, png(key, history.get(key), history.get("val_" + key)));
            written.add(file);
        }
        return written;
    }

    static byte[] png(String metric, List<Double> train, List<Double> validation) {
        String label = Character.toUpperCase(metric.charAt(0)) + metric.substring(1).replace('_', ' ');
        XYChart chart = new XYChartBuilder().width(800).height(500)
                .title(label + " per epoch").xAxisTitle("Epoch").yAxisTitle(label).build();
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setPlotBackgroundColor(Color.WHITE);
        chart.getStyler().setPlotGridLinesColor(new Color(225, 225, 225));
        chart.getStyler().setLegendVisible(true);
        chart.getStyler().setMarkerSize(train.size() > 60 ? 0 : 5);
        chart.getStyler().setAxisTitleFont(chart.getStyler().getAxisTitleFont().deriveFont(14f));
        addSeries(chart, "training", train, new Color(31, 119, 180));
        if (validation != null) addSeries(chart, "validation", validation, new Color(255, 127, 14));
        try {
            return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Mean gradient norm per layer and epoch, on a log scale (vanishing and exploding show as far-apart lines). */
    static byte[] gradientPng(Map<String, List<Double>> byLayer) {
        XYChart chart = new XYChartBuilder().width(800).height(500)
                .title("Gradient norm per layer").xAxisTitle("Epoch").yAxisTitle("Mean gradient L2 norm (log scale)").build();
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setPlotBackgroundColor(Color.WHITE);
        chart.getStyler().setPlotGridLinesColor(new Color(225, 225, 225));
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setMarkerSize(5);
        Color[] palette = {new Color(31, 119, 180), new Color(255, 127, 14), new Color(44, 160, 44), new Color(214, 39, 40),
                new Color(148, 103, 189), new Color(140, 86, 75), new Color(227, 119, 194), new Color(127, 127, 127)};
        int i = 0;
        for (Map.Entry<String, List<Double>> e : byLayer.entrySet()) {
            List<Double> positive = new ArrayList<>();
            for (Double v : e.getValue()) positive.add(Math.max(v, 1e-30)); // a log axis cannot show 0
            addSeries(chart, e.getKey(), positive, palette[i++ % palette.length]);
        }
        try {
            return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** The confusion matrix as a heat map with the counts written in: rows the true class, columns the predicted one. */
    static byte[] confusionPng(dev.nabla.train.metrics.ConfusionMatrix cm, List<String> labels) {
        int k = cm.classes(), size = Math.min(1200, 300 + 60 * k);
        org.knowm.xchart.HeatMapChart chart = new org.knowm.xchart.HeatMapChartBuilder().width(size).height(size)
                .title("Confusion matrix").xAxisTitle("Predicted class").yAxisTitle("True class").build();
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setShowValue(true);
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setRangeColors(new Color[] {new Color(247, 251, 255), new Color(107, 174, 214), new Color(8, 48, 107)});
        chart.getStyler().setHeatMapValueDecimalPattern("#");
        List<Number[]> cells = new ArrayList<>();
        // The heat map's y axis grows upwards; the first class goes on top, as in a printed matrix.
        List<String> rows = new ArrayList<>(labels);
        java.util.Collections.reverse(rows);
        for (int i = 0; i < k; i++) for (int j = 0; j < k; j++) cells.add(new Number[] {j, k - 1 - i, cm.get(i, j)});
        chart.addSeries("counts", labels, rows, cells);
        try {
            return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private static void addSeries(XYChart chart, String name, List<Double> values, Color color) {
        double[] x = new double[values.size()], y = new double[values.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = i + 1;
            y[i] = values.get(i);
        }
        XYSeries s = chart.addSeries(name, x, y);
        s.setLineColor(color);
        s.setMarkerColor(color);
        s.setMarker(SeriesMarkers.CIRCLE);
    }
}
