package dev.nabla.examples;

import dev.nabla.data.TextFiles;
import dev.nabla.nn.Dense;
import dev.nabla.nn.Embedding;
import dev.nabla.nn.Initializers;
import dev.nabla.nn.LSTM;
import dev.nabla.nn.losses.Losses;
import dev.nabla.optim.Optimizers;
import dev.nabla.tensor.Rng;
import dev.nabla.text.Bigram;
import dev.nabla.text.LanguageModels;
import dev.nabla.text.Tokenizer;
import dev.nabla.train.FitOptions;
import dev.nabla.train.Sequential;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A character-level language model of English words, makemore-style: Debian's word list ({@code wamerican}'s
 * /usr/share/dict/words, about 100,000 words with their inflections and possessives) lower-cased, each word read as
 * {@code <s> c1 ... cn} and trained to predict {@code c1 ... cn </s>} with an embedding, an LSTM returning every step and
 * a dense layer of logits over the characters. Its loss per character on held-out words is set against an add-one
 * bigram model of the same training words, and it samples new words.
 *
 * <pre>{@code
 * import dev.nabla.examples.WordGenerator;
 * WordGenerator.Result r = WordGenerator.run(TextFiles.nonBlankLines(WordGenerator.WORDS), 4, 1);
 * }</pre>
 */
public final class WordGenerator {

    public static final Path WORDS = Path.of("/usr/share/dict/words");

    /**
     * Nats per character (each word's characters and its end) of the model and of the bigram on the held-out words,
     * samples at temperature 0.8, and the share of samples that are not training words.
     */
    public record Result(double modelLoss, double bigramLoss, List<String> samples, double novelShare) {}

    private WordGenerator() {}

    /** Embedding 32 (padding id 0), LSTM 128 over every step, Dense logits over the vocabulary. */
    public static Sequential model(int vocabulary) {
        return Sequential.of(new Embedding(null, vocabulary, 32, Tokenizer.PAD, Initializers.normal(0, 1)),
                LSTM.of(128).returnSequences(true), Dense.of(vocabulary));
    }

    /** Shuffles {@code words} with {@code seed}, holds out 10%, trains {@code epochs} epochs on the rest and samples 20 words. */
    public static Result run(List<String> words, int epochs, long seed) {
        List<String> shuffled = new ArrayList<>(words);
        int[] order = new Rng(seed).permutation(shuffled.size());
        for (int i = 0; i < order.length; i++) shuffled.set(i, words.get(order[i]));
        int nTrain = shuffled.size() * 9 / 10;
        List<String> train = shuffled.subList(0, nTrain), heldOut = shuffled.subList(nTrain, shuffled.size());

        Tokenizer chars = Tokenizer.characters().lowerCase(true).fit(train);
        chars.length(LanguageModels.lengthFor(chars, train));
        LanguageModels.Pairs trainPairs = LanguageModels.nextTokens(chars, train, chars.length());
        LanguageModels.Pairs heldOutPairs = LanguageModels.nextTokens(chars, heldOut, chars.length());

        Sequential model = model(chars.vocabularySize());
        model.seed(seed);
        model.compile(Optimizers.adam(3e-3), Losses.sparseCategoricalCrossentropy(true, Tokenizer.PAD));
        model.fit(trainPairs.inputs(), trainPairs.targets(), FitOptions.epochs(epochs).batchSize(64).seed(seed).verbose(false));

        double modelLoss = LanguageModels.lossPerToken(model, heldOutPairs);
        double bigramLoss = Bigram.fit(trainPairs, chars.vocabularySize()).lossPerToken(heldOutPairs);
        List<String> samples = LanguageModels.generate(model, chars, 20, 0.8, seed);
        Set<String> known = new HashSet<>();
        for (String w : train) known.add(chars.decode(chars.ids(w)));
        long novel = samples.stream().filter(s -> !known.contains(s)).count();
        return new Result(modelLoss, bigramLoss, samples, novel / (double) samples.size());
    }

    public static void main(String[] args) {
        int epochs = args.length > 0 ? Integer.parseInt(args[0]) : 4;
        Result r = run(TextFiles.nonBlankLines(WORDS), epochs, 1);
        System.out.printf("loss per character on held-out words: model %.4f, bigram %.4f%n", r.modelLoss(), r.bigramLoss());
        System.out.printf("samples (%.0f%% not in the training words): %s%n", 100 * r.novelShare(), String.join(" ", r.samples()));
    }
}
