package dev.nabla.text;

/**
 * The baseline a next-token model must beat: p(next | previous) from counts of adjacent pairs in the training
 * {@link LanguageModels.Pairs}, with add-k smoothing (Laplace's add-one by default) over the tokens that can come
 * next (every id but padding and {@code <s>}), so an unseen pair keeps a small probability.
 *
 * <pre>{@code
 * Tokenizer chars = Tokenizer.characters().fit(List.of("anna", "bob"));
 * Bigram bigram = Bigram.fit(LanguageModels.nextTokens(chars, List.of("anna", "bob"), 5), chars.vocabularySize());
 * double nats = bigram.lossPerToken(LanguageModels.nextTokens(chars, List.of("ann"), 5));
 * }</pre>
 */
public final class Bigram {

    private final int vocab;
    private final double smoothing;
    private final long[] counts;   // [previous * vocab + next]
    private final long[] totals;   // [previous]

    private Bigram(int vocab, double smoothing) {
        this.vocab = vocab;
        this.smoothing = smoothing;
        this.counts = new long[vocab * vocab];
        this.totals = new long[vocab];
    }

    /** Add-one smoothing. */
    public static Bigram fit(LanguageModels.Pairs train, int vocab) {
        return fit(train, vocab, 1);
    }

    /** Counts the (input, target) pairs of every step whose target is not padding. */
    public static Bigram fit(LanguageModels.Pairs train, int vocab, double smoothing) {
        if (!(smoothing > 0)) throw new IllegalArgumentException("Bigram: the smoothing must be positive (else an unseen pair has probability 0), got " + smoothing);
        if (vocab <= Tokenizer.RESERVED.size() || (long) vocab * vocab > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("Bigram: the vocabulary must be in " + (Tokenizer.RESERVED.size() + 1) + ".." + 46340 + ", got " + vocab);
        }
        Bigram b = new Bigram(vocab, smoothing);
        float[] in = train.inputs().data(), out = train.targets().data();
        for (int i = 0; i < out.length; i++) {
            int next = (int) out[i];
            if (next == Tokenizer.PAD) continue;
            int previous = b.id(in[i]);
            b.counts[previous * vocab + b.id(next)]++;
            b.totals[previous]++;
        }
        return b;
    }

    /** p(next | previous). */
    public double probability(int previous, int next) {
        if (next == Tokenizer.PAD || next == Tokenizer.BEGIN) return 0;
        int outcomes = vocab - 2;
        return (counts[id(previous) * vocab + id(next)] + smoothing) / (totals[id(previous)] + smoothing * outcomes);
    }

    /** The mean negative log-likelihood in nats over the steps whose target is not padding, as {@link LanguageModels#lossPerToken}. */
    public double lossPerToken(LanguageModels.Pairs data) {
        float[] in = data.inputs().data(), out = data.targets().data();
        double total = 0;
        long kept = 0;
        for (int i = 0; i < out.length; i++) {
            if ((int) out[i] == Tokenizer.PAD) continue;
            total -= Math.log(probability(id(in[i]), id(out[i])));
            kept++;
        }
        if (kept == 0) throw new IllegalArgumentException("Bigram.lossPerToken: every target is padding");
        return total / kept;
    }

    private int id(float v) {
        int id = (int) v;
        if (id != v || id < 0 || id >= vocab) throw new IllegalArgumentException("Bigram: " + v + " is not an id of the vocabulary of " + vocab);
        return id;
    }
}
