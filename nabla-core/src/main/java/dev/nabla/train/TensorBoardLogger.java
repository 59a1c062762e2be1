package dev.nabla.train;

import dev.nabla.io.ProtoWriter;
import dev.nabla.io.TfRecords;
import dev.nabla.nn.Weight;
import dev.nabla.tensor.Tensor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Writes TensorBoard event files ({@code events.out.tfevents.<seconds>.<host>} in {@code dir}) during
 * {@link Model#fit}: after every epoch, with the epoch number as history.csv counts it (from 1) as the step, a
 * scalar for each entry of the epoch's logs under the same name (loss, metrics, {@code val_*}, and the
 * {@code grad_norm/<layer>}, {@code weight_norm/<layer>} and {@code update_ratio/<layer>} that a
 * {@link GradientDiagnostics} before it adds), {@code learning_rate} (the rate of the epoch's first step), and
 * histograms of each weight ({@code weights/<layer>/<weight>}) and of its gradient at the epoch's last step
 * ({@code gradients/<layer>/<weight>}). Histograms have {@value #BUCKETS} equal-width buckets from the smallest to
 * the largest value (as TensorBoard's own {@code tf.summary.histogram}), not TensorFlow's fixed exponential edges:
 * a layer's weights span a narrow range, which equal widths show in detail. Each epoch is appended in one write, so
 * a running {@code tensorboard --logdir dir} shows it at once.
 *
 * <pre>{@code
 * model.fit(x, y, FitOptions.epochs(10).callbacks(
 *         new GradientDiagnostics(System.err::println), new TensorBoardLogger(Path.of("runs/tensorboard"))));
 * }</pre>
 */
public class TensorBoardLogger implements Callback {

    /** Buckets per histogram. */
    public static final int BUCKETS = 30;
    static final String FILE_VERSION = "brain.Event:2";

    private final Path dir;
    private Path file;
    private Model model;
    private double learningRate = Double.NaN;

    public TensorBoardLogger(Path dir) {
        this.dir = dir;
    }

    /** The event file this logger writes, or null before training begins. */
    public Path file() {
        return file;
    }

    @Override
    public void onTrainBegin(TrainContext context) {
        model = context.model();
        file = createEventFile();
    }

    @Override
    public void onEpochBegin(int epoch) {
        learningRate = model.optimizer() == null ? Double.NaN : model.optimizer().learningRate();
    }

    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
        ProtoWriter summary = new ProtoWriter();
        for (Map.Entry<String, Double> e : logs.entrySet()) summary.message(1, scalar(e.getKey(), e.getValue()));
        if (!Double.isNaN(learningRate) && !logs.containsKey("learning_rate")) summary.message(1, scalar("learning_rate", learningRate));
        Set<Tensor> trained = Collections.newSetFromMap(new IdentityHashMap<>());
        trained.addAll(model.trainableParameters());
        for (Weight w : model.weights()) {
            addHistogram(summary, "weights/" + w.name(), w.value().data());
            Tensor grad = w.value().grad();
            if (trained.contains(w.value()) && grad != null) addHistogram(summary, "gradients/" + w.name(), grad.data());
        }
        append(event(epoch + 1).message(5, summary));
    }

    private static ProtoWriter scalar(String tag, double value) {
        return new ProtoWriter().string(1, tag).float32(2, (float) value);
    }

    private static void addHistogram(ProtoWriter summary, String tag, float[] values) {
        Histogram h = Histogram.of(values, BUCKETS);
        if (h != null) summary.message(1, new ProtoWriter().string(1, tag).message(5, h.proto()));
    }

    /** An Event (wall_time = 1, step = 2; the caller adds file_version = 3 or summary = 5). */
    private static ProtoWriter event(long step) {
        return new ProtoWriter().float64(1, System.currentTimeMillis() / 1000.0).varint(2, step);
    }

    /** A new file that begins with the file_version event TensorBoard reads first; a name taken gets a suffix. */
    private Path createEventFile() {
        String name = "events.out.tfevents." + System.currentTimeMillis() / 1000 + "." + host();
        byte[] version = TfRecords.frame(event(0).string(3, FILE_VERSION).toByteArray());
        try {
            Files.createDirectories(dir);
            for (int n = 0; ; n++) {
                Path f = dir.resolve(n == 0 ? name : name + "." + n);
                try {
                    Files.write(f, version, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                    return f;
                } catch (FileAlreadyExistsException e) {
                    // a logger started in the same second: take the next name
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("TensorBoardLogger: cannot write an event file in " + dir + ": " + e.getMessage(), e);
        }
    }

    private void append(ProtoWriter event) {
        try {
            Files.write(file, TfRecords.frame(event.toByteArray()), StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("TensorBoardLogger: cannot append to " + file + ": " + e.getMessage(), e);
        }
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9._-]", "_");
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    /**
     * A HistogramProto of the finite values (NaN and infinities left out): bucket {@code i} counts the values in
     * {@code [limits[i-1], limits[i])}, the last one including the maximum, which is its limit.
     */
    record Histogram(double min, double max, double num, double sum, double sumSquares, double[] limits, double[] counts) {

        /** Null when no value is finite. */
        static Histogram of(float[] values, int buckets) {
            double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY, sum = 0, sumSquares = 0;
            int num = 0;
            for (float v : values) {
                if (!Float.isFinite(v)) continue;
                min = Math.min(min, v);
                max = Math.max(max, v);
                sum += v;
                sumSquares += (double) v * v;
                num++;
            }
            if (num == 0) return null;
            int k = max > min ? buckets : 1; // all values equal: one bucket
            double width = (max - min) / k;
            double[] limits = new double[k], counts = new double[k];
            for (int i = 0; i < k - 1; i++) limits[i] = min + width * (i + 1);
            limits[k - 1] = max;
            for (float v : values) {
                if (Float.isFinite(v)) counts[k == 1 ? 0 : Math.min(k - 1, (int) ((v - min) / width))]++;
            }
            return new Histogram(min, max, num, sum, sumSquares, limits, counts);
        }

        ProtoWriter proto() {
            return new ProtoWriter().float64(1, min).float64(2, max).float64(3, num).float64(4, sum).float64(5, sumSquares)
                    .packedDoubles(6, limits).packedDoubles(7, counts);
        }
    }
}
