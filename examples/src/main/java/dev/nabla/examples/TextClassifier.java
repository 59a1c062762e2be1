package dev.nabla.examples;

import dev.nabla.nn.Dense;
import dev.nabla.nn.Embedding;
import dev.nabla.nn.Initializers;
import dev.nabla.nn.LSTM;
import dev.nabla.nn.losses.Losses;
import dev.nabla.optim.Optimizers;
import dev.nabla.tensor.Rng;
import dev.nabla.tensor.Tensor;
import dev.nabla.text.Tokenizer;
import dev.nabla.train.FitOptions;
import dev.nabla.train.ModelFile;
import dev.nabla.train.SavedModel;
import dev.nabla.train.Sequential;
import dev.nabla.train.metrics.Metrics;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A text classifier: word ids through an embedding and an LSTM to two classes, on made-up movie reviews of known
 * structure. Each review is filler words around one opinion word, positive ("great") or negative ("dull"); in 30% of
 * them "not" stands right before it and flips the label. A linear model of word counts cannot learn that (the label
 * is the exclusive-or of the word's polarity and "not"); a model that reads the words in order can. The tokenizer is fitted on the
 * training reviews only and saved in the model file, so the loaded model classifies raw text.
 *
 * <pre>{@code
 * import dev.nabla.examples.TextClassifier;
 * TextClassifier.Result r = TextClassifier.run(2000, 8, 1, Path.of("reviews.nabla"));
 * }</pre>
 */
public final class TextClassifier {

    static final List<String> POSITIVE = List.of("great", "wonderful", "excellent", "fun", "moving", "brilliant", "charming", "superb");
    static final List<String> NEGATIVE = List.of("awful", "boring", "dull", "terrible", "clumsy", "tedious", "bland", "weak");
    static final List<String> FILLER = List.of("the", "film", "story", "was", "acting", "plot", "and", "really", "quite", "i", "thought", "it",
            "very", "music", "ending", "a", "cast", "with", "its", "this", "movie", "script", "scenes", "overall");

    public record Review(String text, String label) {}

    /** The test accuracy and the loaded model's labels for a few raw texts ({@link #PROBES}). */
    public record Result(double testAccuracy, List<String> probeLabels) {}

    /** Raw texts the loaded model labels, and their right labels. */
    public static final List<String> PROBES = List.of("A wonderful film!", "The plot was not great", "Dull acting, a weak script", "This movie was not boring");
    public static final List<String> PROBE_LABELS = List.of("pos", "neg", "neg", "pos");

    private TextClassifier() {}

    /** {@code n} reviews drawn with {@code seed}: half positive, 30% with a flipping "not", 3 to 10 filler words, some capitals and punctuation. */
    public static List<Review> reviews(int n, long seed) {
        Rng rng = new Rng(seed);
        List<Review> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            boolean positive = rng.nextDouble() < 0.5, negated = rng.nextDouble() < 0.3;
            List<String> opinionWords = positive != negated ? POSITIVE : NEGATIVE;
            List<String> words = new ArrayList<>();
            int fill = 3 + rng.nextInt(8);
            for (int k = 0; k < fill; k++) words.add(FILLER.get(rng.nextInt(FILLER.size())));
            int at = rng.nextInt(fill + 1);
            words.add(at, opinionWords.get(rng.nextInt(opinionWords.size())));
            if (negated) words.add(at, "not");
            String text = String.join(" ", words);
            text = Character.toUpperCase(text.charAt(0)) + text.substring(1) + List.of(".", "!", "", "...").get(rng.nextInt(4));
            out.add(new Review(text, positive ? "pos" : "neg"));
        }
        return out;
    }

    /** The reviews as a CSV table {@code review,label} (texts quoted), as {@code nabla train --text-column review} reads it. */
    public static void writeCsv(Path file, List<Review> reviews) {
        StringBuilder sb = new StringBuilder("review,label\n");
        for (Review r : reviews) sb.append('"').append(r.text().replace("\"", "\"\"")).append("\",").append(r.label()).append('\n');
        try {
            Files.writeString(file, sb);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Embedding (padding id 0, whose mask the LSTM skips) 32, LSTM 32, Dense 2 logits. */
    public static Sequential model(int vocabulary) {
        return Sequential.of(new Embedding(null, vocabulary, 32, Tokenizer.PAD, Initializers.normal(0, 1)), LSTM.of(32), Dense.of(2));
    }

    /** Trains on 80% of {@code n} reviews, tests on the rest, saves the model with its tokenizer to {@code file}, loads it and labels the probes. */
    public static Result run(int n, int epochs, long seed, Path file) {
        List<Review> all = reviews(n, seed);
        int nTrain = n * 4 / 5;
        List<Review> train = all.subList(0, nTrain), test = all.subList(nTrain, n);
        Tokenizer tokenizer = Tokenizer.words().lowerCase(true).maxVocabulary(1000).length(16).fit(texts(train));
        Sequential model = model(tokenizer.vocabularySize());
        model.seed(seed);
        model.compile(Optimizers.adam(3e-3), Losses.sparseCategoricalCrossentropy(true), Metrics.accuracy());
        model.fit(tokenizer.encode(texts(train)), labels(train), FitOptions.epochs(epochs).batchSize(32).seed(seed).verbose(false));
        double accuracy = model.evaluate(tokenizer.encode(texts(test)), labels(test)).get("accuracy");

        ModelFile.save(file, new SavedModel(model, Map.of(Tokenizer.PREPROCESSING_KEY, tokenizer.config()), null, Map.of()));
        SavedModel loaded = ModelFile.load(file);
        Tensor classes = loaded.model().predict(Tokenizer.of(loaded).encode(PROBES)).argmax(1);
        List<String> probeLabels = new ArrayList<>();
        for (int i = 0; i < PROBES.size(); i++) probeLabels.add(classes.get(i) == 1 ? "pos" : "neg");
        return new Result(accuracy, probeLabels);
    }

    private static List<String> texts(List<Review> reviews) {
        List<String> t = new ArrayList<>();
        for (Review r : reviews) t.add(r.text());
        return t;
    }

    /** 1 for "pos", 0 for "neg". */
    private static Tensor labels(List<Review> reviews) {
        float[] y = new float[reviews.size()];
        for (int i = 0; i < y.length; i++) y[i] = reviews.get(i).label().equals("pos") ? 1 : 0;
        return Tensor.of(y, y.length);
    }

    public static void main(String[] args) {
        Result r = run(4000, 10, 1, Path.of("reviews.nabla"));
        System.out.printf("test accuracy %.4f%n", r.testAccuracy());
        for (int i = 0; i < PROBES.size(); i++) System.out.printf("%-40s %s%n", PROBES.get(i), r.probeLabels().get(i));
    }
}
