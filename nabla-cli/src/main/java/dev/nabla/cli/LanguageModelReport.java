package dev.nabla.cli;

import dev.nabla.data.Dataset;
import dev.nabla.text.Bigram;
import dev.nabla.text.LanguageModels;
import dev.nabla.text.Tokenizer;
import dev.nabla.train.Model;

import java.io.PrintWriter;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What a language model's training ends with: its loss per token on the held-out texts beside an add-one bigram
 * model's of the same training texts (the baseline it must beat), and a few samples with how many are new.
 */
final class LanguageModelReport {

    private static final int SAMPLES = 10;

    private LanguageModelReport() {}

    static void print(PrintWriter out, Model model, DataSource source, long seed) {
        Tokenizer tokenizer = source.tokenizer();
        boolean heldOut = source.test() != null;
        Dataset scored = heldOut ? source.test() : source.train();
        LanguageModels.Pairs train = new LanguageModels.Pairs(source.train().x(), source.train().y());
        LanguageModels.Pairs data = new LanguageModels.Pairs(scored.x(), scored.y());
        double modelLoss = LanguageModels.lossPerToken(model, data);
        double bigramLoss = Bigram.fit(train, tokenizer.vocabularySize()).lossPerToken(data);
        String unit = tokenizer.level() == Tokenizer.Level.CHARACTER ? "character" : "word";
        out.println();
        out.printf(Locale.ROOT, "Loss per %s on %d %s texts (nats; each text's %ss and its end):%n", unit, scored.size(),
                heldOut ? "held-out" : "training (too few to hold any out)", unit);
        out.printf(Locale.ROOT, "  model   %.4f%n", modelLoss);
        out.printf(Locale.ROOT, "  bigram  %.4f  (add-one smoothed counts of adjacent %ss in the training texts)%n", bigramLoss, unit);
        List<String> samples = LanguageModels.generate(model, tokenizer, SAMPLES, 1.0, seed);
        Set<String> known = new HashSet<>();
        for (String s : source.trainTexts()) known.add(tokenizer.decode(tokenizer.ids(s)));
        long novel = samples.stream().filter(s -> !known.contains(s)).count();
        out.printf(Locale.ROOT, "Samples (temperature 1, seed %d): %s  (%d of %d not in the training texts)%n", seed, String.join(", ", samples),
                novel, samples.size());
    }
}
