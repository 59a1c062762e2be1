package dev.nabla.data;

import dev.nabla.tensor.Rng;
import dev.nabla.tensor.Tensor;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Datasets built in (no download): Iris, XOR, spirals and the small tables of the seed tutorials.
 *
 * <pre>{@code
 * Dataset iris = Datasets.iris();          // 150 x 4 features, 3 classes
 * Dataset train = Datasets.irisTrain();    // the fixed 120-row split the benchmarks use
 * }</pre>
 */
public final class Datasets {

    private static final Map<String, String> DESCRIPTIONS = new LinkedHashMap<>();

    static {
        DESCRIPTIONS.put("iris", "Fisher's Iris: 150 flowers, 4 measurements (cm), 3 species");
        DESCRIPTIONS.put("xor", "XOR truth table: 4 rows, 2 inputs, 1 binary target");
        DESCRIPTIONS.put("spiral", "3 interleaved spirals, 100 points each (nnfs create_data, seed 0), 2 features");
        DESCRIPTIONS.put("salary", "4 students: cgpa, resume score -> salary in lpa (regression)");
        DESCRIPTIONS.put("placement", "4 students: cgpa, profile score -> placed (binary)");
        DESCRIPTIONS.put("fashion-mnist", "Zalando's 70k 28x28 clothing images, 10 classes (from " + IdxReader.FASHION_MNIST_DIR + ")");
    }

    private Datasets() {}

    /** Name to one-line description of every built-in dataset. */
    public static Map<String, String> names() {
        return java.util.Collections.unmodifiableMap(DESCRIPTIONS);
    }

    /** The dataset with this name (see {@link #names()}); Fashion-MNIST gives its 60k training part. */
    public static Dataset byName(String name) {
        switch (name.toLowerCase(Locale.ROOT)) {
            case "iris": return iris();
            case "xor": return xor();
            case "spiral": return spiralNnfs();
            case "salary": return salary();
            case "placement": return placement();
            case "fashion-mnist": case "fashion_mnist": case "fmnist": return IdxReader.fashionMnist(IdxReader.FASHION_MNIST_DIR, false)[0];
            default: throw new IllegalArgumentException("unknown dataset '" + name + "'; built in: " + String.join(", ", DESCRIPTIONS.keySet()));
        }
    }

    /** All 150 Iris rows: the 120 of {@link #irisTrain()} followed by the 30 of {@link #irisTest()}. */
    public static Dataset iris() {
        return resourceCsv("iris.csv", "species").dataset();
    }

    /** The 120 training rows of scikit-learn's train_test_split(test_size=0.2, random_state=42), in its order. */
    public static Dataset irisTrain() {
        return iris().subset(range(0, 120));
    }

    /** The 30 test rows of the same split. */
    public static Dataset irisTest() {
        return iris().subset(range(120, 150));
    }

    /** The Iris column names. */
    public static List<String> irisFeatures() {
        return resourceCsv("iris.csv", "species").featureNames();
    }

    public static Dataset xor() {
        return new Dataset(Tensor.of(new float[][] {{0, 0}, {0, 1}, {1, 0}, {1, 1}}), Tensor.of(new float[][] {{0}, {1}, {1}, {0}}));
    }

    /** Rows cgpa, resume_score -> lpa: 8,8,4 / 7,9,5 / 6,10,6 / 5,12,7. */
    public static Dataset salary() {
        return new Dataset(Tensor.of(new float[][] {{8, 8}, {7, 9}, {6, 10}, {5, 12}}), Tensor.of(new float[][] {{4}, {5}, {6}, {7}}));
    }

    /** Rows cgpa, profile_score -> placed: 8,8,1 / 7,9,1 / 6,10,0 / 5,5,0. */
    public static Dataset placement() {
        return new Dataset(Tensor.of(new float[][] {{8, 8}, {7, 9}, {6, 10}, {5, 5}}), Tensor.of(new float[][] {{1}, {1}, {0}, {0}}));
    }

    /** The exact 300 points of nnfs's {@code create_data(100, 3)} after {@code np.random.seed(0)}. */
    public static Dataset spiralNnfs() {
        return resourceCsv("spiral-nnfs.csv", "label").dataset();
    }

    /**
     * Spirals drawn as nnfs's create_data does, from our generator: for class c, radius r = linspace(0, 1) and
     * angle t = linspace(4c, 4(c + 1)) + 0.2 noise; point (r sin 2.5t, r cos 2.5t).
     */
    public static Dataset spiral(int pointsPerClass, int classes, long seed) {
        if (pointsPerClass < 2 || classes < 1) throw new IllegalArgumentException("spiral: need at least 2 points and 1 class");
        Rng rng = new Rng(seed);
        int n = pointsPerClass * classes;
        float[] x = new float[n * 2], y = new float[n];
        for (int c = 0; c < classes; c++) {
            for (int i = 0; i < pointsPerClass; i++) {
                double r = (double) i / (pointsPerClass - 1);
                double t = c * 4 + 4.0 * i / (pointsPerClass - 1) + rng.nextGaussian() * 0.2;
                int row = c * pointsPerClass + i;
                x[2 * row] = (float) (r * Math.sin(t * 2.5));
                x[2 * row + 1] = (float) (r * Math.cos(t * 2.5));
                y[row] = c;
            }
        }
        return new Dataset(Tensor.of(x, n, 2), Tensor.of(y, n));
    }

    private static CsvReader.CsvData resourceCsv(String name, String target) {
        try (InputStream in = Datasets.class.getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException("built-in dataset resource " + name + " is missing from the jar");
            return CsvReader.withHeader().target(target).read(new String(in.readAllBytes(), StandardCharsets.UTF_8), name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int[] range(int from, int to) {
        int[] r = new int[to - from];
        for (int i = 0; i < r.length; i++) r[i] = from + i;
        return r;
    }
}
