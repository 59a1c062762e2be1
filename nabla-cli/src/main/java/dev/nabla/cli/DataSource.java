package dev.nabla.cli;

import dev.nabla.data.CsvReader;
import dev.nabla.data.Dataset;
import dev.nabla.data.Datasets;
import dev.nabla.data.IdxReader;
import dev.nabla.data.Split;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Resolves {@code --data}: a built-in name, a CSV file or a directory of IDX files, into training data and, where
 * there is one, a test set. Built-in Iris uses the fixed 120 / 30 split of the benchmarks; Fashion-MNIST its own
 * 60k / 10k; a CSV file is split 80 / 20 (stratified for classes) with the seed.
 */
record DataSource(String description, Dataset train, Dataset test, List<String> featureNames, String targetName) {

    static DataSource load(String data, String target, boolean images, long seed) {
        Path path = Path.of(data);
        if (Files.isDirectory(path)) return idx(path, images);
        if (isCsvFile(data)) {
            CsvReader reader = CsvReader.withHeader();
            if (target != null) {
                if (target.matches("-?\\d+")) reader.target(Integer.parseInt(target));
                else reader.target(target);
            }
            CsvReader.CsvData csv = reader.read(path);
            Dataset all = csv.dataset();
            if (all.size() < 5) return new DataSource(path + " (" + all.size() + " rows)", all, null, csv.featureNames(), csv.targetName());
            Dataset[] parts = Split.trainTest(all, 0.2, seed, all.classNames() != null);
            return new DataSource(path + " (" + all.size() + " rows; " + parts[0].size() + " train / " + parts[1].size() + " test)",
                    parts[0], parts[1], csv.featureNames(), csv.targetName());
        }
        String name = data.toLowerCase(Locale.ROOT);
        switch (name) {
            case "iris":
                return new DataSource("built-in Iris (120 train / 30 test)", Datasets.irisTrain(), Datasets.irisTest(), Datasets.irisFeatures(), "species");
            case "fashion-mnist": case "fashion_mnist": case "fmnist":
                return idx(IdxReader.FASHION_MNIST_DIR, images);
            default:
                if (!Datasets.names().containsKey(name)) {
                    throw new IllegalArgumentException("--data: '" + data + "' is neither a file, a directory of IDX files, nor a built-in dataset ("
                            + String.join(", ", Datasets.names().keySet()) + ")");
                }
                Dataset d = Datasets.byName(name);
                return new DataSource("built-in " + name + " (" + d.size() + " rows)", d, null, null, "target");
        }
    }

    /** Whether {@code --data} names a CSV file (a file, or a name ending in .csv) rather than a directory or a built-in. */
    static boolean isCsvFile(String data) {
        Path path = Path.of(data);
        return !Files.isDirectory(path) && (data.toLowerCase(Locale.ROOT).endsWith(".csv") || Files.isRegularFile(path));
    }

    private static DataSource idx(Path dir, boolean images) {
        Dataset[] d = IdxReader.fashionMnist(dir, images);
        return new DataSource(dir + " (IDX: " + d[0].size() + " train / " + d[1].size() + " test)", d[0], d[1], null, "label");
    }
}
