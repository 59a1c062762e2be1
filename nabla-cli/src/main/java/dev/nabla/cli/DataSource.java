package dev.nabla.cli;

import dev.nabla.data.CsvReader;
import dev.nabla.data.Dataset;
import dev.nabla.data.Datasets;
import dev.nabla.data.IdxReader;
import dev.nabla.data.Split;
import dev.nabla.data.TextFiles;
import dev.nabla.tensor.Tensor;
import dev.nabla.text.LanguageModels;
import dev.nabla.text.Tokenizer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Resolves {@code --data}: a built-in name, a CSV file or a directory of IDX files, into training data and, where
 * there is one, a test set. Built-in Iris uses the fixed 120 / 30 split of the benchmarks; Fashion-MNIST its own
 * 60k / 10k; a CSV file is split 80 / 20 (stratified for classes) with the seed. Texts ({@link #loadText}) come as
 * token ids, with the tokenizer and the training part's texts.
 */
record DataSource(String description, Dataset train, Dataset test, List<String> featureNames, String targetName, Tokenizer tokenizer,
        List<String> trainTexts) {

    DataSource(String description, Dataset train, Dataset test, List<String> featureNames, String targetName) {
        this(description, train, test, featureNames, targetName, null, null);
    }

    /**
     * {@code data} as a saved model reads it: a text model's texts through its own tokenizer (not refitted), other
     * data as {@link #load} reads it. With the model's split seed the test part is the one it was trained without.
     */
    static DataSource forModel(Preprocessing pre, String data, String target, long seed) {
        if (pre.tokenizer() == null) return load(data, target, pre.images(), seed);
        Text text = new Text(pre.textColumn(), pre.task() == Tasks.Task.LANGUAGE_MODEL, pre.tokenizer(), null, false, 0, 0);
        return loadText(data, target, text, seed);
    }

    /**
     * How texts become ids: a CSV's text {@code column} (or, for a language model without one, the file's lines),
     * tokenized by a {@code saved} tokenizer or one fitted on the training part with the other settings.
     * {@code length} 0 asks for the longest training text's (a classifier's at most {@link #DEFAULT_MAX_LENGTH}).
     */
    record Text(String column, boolean languageModel, Tokenizer saved, Tokenizer.Level level, boolean lowerCase, int maxVocabulary, int length) {}

    /** A classifier's default length cap: longer texts are truncated unless --length asks for more. */
    static final int DEFAULT_MAX_LENGTH = 256;

    /**
     * Texts split 80 / 20 with the seed (stratified for classes; all training below 5 rows), the tokenizer fitted on
     * the training part only. A classifier's features are the ids [n, length] and its targets the column's; a
     * language model's are {@code <s>} + ids and its targets the ids + {@code </s>} (see LanguageModels).
     */
    static DataSource loadText(String data, String target, Text text, long seed) {
        Path path = Path.of(data);
        if (!Files.isRegularFile(path)) throw new IllegalArgumentException("--data: " + data + " is not a file (text models read a CSV or a file of lines)");
        List<String> texts;
        Tensor y;
        List<String> classNames = null;
        String targetName = null;
        if (text.column() != null) {
            CsvReader reader = CsvReader.withHeader();
            if (text.languageModel()) reader.noTarget();
            else if (target != null) {
                if (target.matches("-?\\d+")) reader.target(Integer.parseInt(target));
                else reader.target(target);
            }
            CsvReader.TextData d = reader.readText(path, text.column());
            texts = d.texts();
            y = d.y();
            classNames = d.classNames();
            targetName = d.targetName();
        } else if (text.languageModel()) {
            texts = TextFiles.nonBlankLines(path);
            y = Tensor.zeros(texts.size());
        } else {
            throw new IllegalArgumentException("--text-column: name the column that holds the texts");
        }
        int n = texts.size();
        int[][] parts = n < 5 ? new int[][] {range(n), null} : split(n, y, classNames, seed);
        List<String> trainTexts = pick(texts, parts[0]), testTexts = parts[1] == null ? null : pick(texts, parts[1]);
        Tokenizer tokenizer = text.saved() != null ? text.saved() : fitted(text, trainTexts);
        Dataset train, test = null;
        if (text.languageModel()) {
            LanguageModels.Pairs tr = LanguageModels.nextTokens(tokenizer, trainTexts, tokenizer.length());
            train = new Dataset(tr.inputs(), tr.targets());
            if (testTexts != null) {
                LanguageModels.Pairs te = LanguageModels.nextTokens(tokenizer, testTexts, tokenizer.length());
                test = new Dataset(te.inputs(), te.targets());
            }
        } else {
            train = new Dataset(tokenizer.encode(trainTexts), Dataset.rows(y, parts[0]), classNames);
            if (testTexts != null) test = new Dataset(tokenizer.encode(testTexts), Dataset.rows(y, parts[1]), classNames);
        }
        String what = (text.column() != null ? "text column '" + text.column() + "', " : "") + n + (text.column() != null ? " rows" : " lines");
        String split = test == null ? "" : "; " + train.size() + " train / " + test.size() + " test";
        String tokens = tokenizer.level() == Tokenizer.Level.WORD ? "words" : "characters";
        return new DataSource(path + " (" + what + split + "; " + tokens + (tokenizer.lowerCase() ? ", lower-cased" : "") + ", vocabulary "
                + tokenizer.vocabularySize() + ", length " + tokenizer.length() + ")", train, test, null, targetName, tokenizer, trainTexts);
    }

    /** {train rows, test rows}, as {@link Split#trainTest} splits a table of the same targets. */
    private static int[][] split(int n, Tensor y, List<String> classNames, long seed) {
        float[] index = new float[n];
        for (int i = 0; i < n; i++) index[i] = i;
        Dataset[] parts = Split.trainTest(new Dataset(Tensor.of(index, n, 1), y, classNames), 0.2, seed, classNames != null);
        return new int[][] {rowsOf(parts[0]), rowsOf(parts[1])};
    }

    private static int[] rowsOf(Dataset d) {
        float[] x = d.x().data();
        int[] rows = new int[x.length];
        for (int i = 0; i < rows.length; i++) rows[i] = (int) x[i];
        return rows;
    }

    private static int[] range(int n) {
        int[] r = new int[n];
        for (int i = 0; i < n; i++) r[i] = i;
        return r;
    }

    private static List<String> pick(List<String> texts, int[] rows) {
        List<String> out = new ArrayList<>();
        for (int r : rows) out.add(texts.get(r));
        return out;
    }

    private static Tokenizer fitted(Text text, List<String> trainTexts) {
        Tokenizer t = (text.level() == Tokenizer.Level.CHARACTER ? Tokenizer.characters() : Tokenizer.words())
                .lowerCase(text.lowerCase()).maxVocabulary(text.maxVocabulary()).fit(trainTexts);
        int length = text.length();
        if (length == 0) {
            length = LanguageModels.lengthFor(t, trainTexts);
            if (!text.languageModel()) length = Math.max(1, Math.min(length - 1, DEFAULT_MAX_LENGTH));
        }
        return t.length(length);
    }

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
