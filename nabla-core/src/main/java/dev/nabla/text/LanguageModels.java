package dev.nabla.text;

import dev.nabla.kernels.Probabilities;
import dev.nabla.tensor.Rng;
import dev.nabla.tensor.Shape;
import dev.nabla.tensor.Tensor;
import dev.nabla.train.Model;

import java.util.ArrayList;
import java.util.List;

/**
 * Next-token language models over a {@link Tokenizer}'s ids, makemore-style: each text is one sample, read as
 * {@code <s> t1 ... tn} and predicted as {@code t1 ... tn </s>}, padded with 0 (which the loss ignores). The model maps
 * ids [batch, time] to scores [batch, time, vocabulary] (logits, or probabilities from a softmax) and must be causal
 * (the output at step t may depend on steps up to t only, as recurrent layers are): then
 * {@link #generate} can sample one token at a time.
 *
 * <pre>{@code
 * Tokenizer chars = Tokenizer.characters().lowerCase(true).fit(List.of("ann", "bob"));
 * LanguageModels.Pairs data = LanguageModels.nextTokens(chars, List.of("ann", "bob"), 4);
 * double bigram = Bigram.fit(data, chars.vocabularySize()).lossPerToken(data);   // nats per character
 * }</pre>
 */
public final class LanguageModels {

    private LanguageModels() {}

    /** What a model reads ({@code <s>} then the text's ids) and what it should predict (the ids then {@code </s>}), [n, length] each. */
    public record Pairs(Tensor inputs, Tensor targets) {
        public int size() {
            return inputs.dim(0);
        }

        public int length() {
            return inputs.dim(1);
        }
    }

    /** Each text as one sample of {@code length} steps, truncated to its first {@code length - 1} tokens. */
    public static Pairs nextTokens(Tokenizer tokenizer, List<String> texts, int length) {
        if (length < 2) throw new IllegalArgumentException("LanguageModels.nextTokens: the length must be at least 2 (<s> and one token), got " + length);
        int n = texts.size();
        float[] in = new float[n * length], out = new float[n * length];
        for (int b = 0; b < n; b++) {
            int[] ids = tokenizer.ids(texts.get(b));
            int kept = Math.min(ids.length, length - 1), row = b * length;
            in[row] = Tokenizer.BEGIN;
            for (int t = 0; t < kept; t++) {
                in[row + t + 1] = ids[t];
                out[row + t] = ids[t];
            }
            out[row + kept] = Tokenizer.END;
        }
        return new Pairs(Tensor.of(in, n, length), Tensor.of(out, n, length));
    }

    /** One more than the longest text's tokens (room for {@code <s>} in the inputs and {@code </s>} in the targets): truncates none. */
    public static int lengthFor(Tokenizer tokenizer, List<String> texts) {
        int longest = 0;
        for (String s : texts) longest = Math.max(longest, tokenizer.split(s).size());
        return longest + 1;
    }

    /**
     * The mean negative log-likelihood, in nats, of the targets [n, time] under the model's scores [n, time, vocab]
     * (logits or probabilities), over the steps whose target is not padding: the loss per token.
     */
    public static double lossPerToken(Tensor scores, Tensor targets) {
        int[] s = scores.shape();
        if (s.length != 3 || targets.rank() != 2 || targets.dim(0) != s[0] || targets.dim(1) != s[1]) {
            throw new IllegalArgumentException("lossPerToken: expected scores [n, time, vocab] and targets [n, time], got " + Shape.str(s)
                    + " and " + Shape.str(targets.shape()));
        }
        int vocab = s[2];
        float[] v = scores.data(), y = targets.data();
        double total = 0;
        long kept = 0;
        for (int i = 0; i < y.length; i++) {
            int target = (int) y[i];
            if (target == Tokenizer.PAD) continue;
            if (target < 0 || target >= vocab) throw new IllegalArgumentException("lossPerToken: target " + target + " is outside the vocabulary of " + vocab);
            total -= Probabilities.log(v, i * vocab, vocab)[target];
            kept++;
        }
        if (kept == 0) throw new IllegalArgumentException("lossPerToken: every target is padding");
        return total / kept;
    }

    /** The model's loss per token on {@code data}: its predictions scored by {@link #lossPerToken(Tensor, Tensor)}. */
    public static double lossPerToken(Model model, Pairs data) {
        return lossPerToken(model.predict(data.inputs()), data.targets());
    }

    /**
     * {@code count} new texts sampled from the model, token by token from {@code <s>} until {@code </s>} or the
     * tokenizer's length, each token drawn from softmax(log p / temperature) with padding, {@code <s>} and unknown
     * left out. The same seed gives the same texts.
     */
    public static List<String> generate(Model model, Tokenizer tokenizer, int count, double temperature, long seed) {
        if (count <= 0) throw new IllegalArgumentException("generate: the count must be positive, got " + count);
        if (!(temperature > 0) || Double.isInfinite(temperature)) throw new IllegalArgumentException("generate: the temperature must be positive, got " + temperature);
        int length = tokenizer.length();
        if (length < 2) throw new IllegalArgumentException("generate: the tokenizer has no length of at least 2 (a language model's has)");
        int vocab = tokenizer.vocabularySize();
        Rng rng = new Rng(seed);
        float[] ids = new float[count * length];
        boolean[] done = new boolean[count];
        for (int b = 0; b < count; b++) ids[b * length] = Tokenizer.BEGIN;
        for (int t = 0; t + 1 < length; t++) {
            // Steps after t are padding; a causal model's output at t sees only the prefix.
            Tensor scores = model.predict(Tensor.of(ids.clone(), count, length));
            if (scores.rank() != 3 || scores.dim(2) != vocab || scores.dim(1) != length) {
                throw new IllegalArgumentException("generate: " + model.name() + " gives " + Shape.str(scores.shape()) + " for ids [" + count + ", " + length
                        + "]; a language model gives [batch, time, " + vocab + "]");
            }
            boolean any = false;
            for (int b = 0; b < count; b++) {
                if (done[b]) continue;
                int next = sample(scores.data(), (b * length + t) * vocab, vocab, temperature, rng);
                if (next == Tokenizer.END) done[b] = true;
                else ids[b * length + t + 1] = next;
                any |= !done[b];
            }
            if (!any) break;
        }
        List<String> texts = new ArrayList<>();
        for (int b = 0; b < count; b++) {
            int[] row = new int[length];
            for (int t = 0; t < length; t++) row[t] = (int) ids[b * length + t];
            texts.add(tokenizer.decode(row));
        }
        return texts;
    }

    /** One id drawn from softmax(log p / temperature), never padding, {@code <s>} or unknown. */
    private static int sample(float[] v, int off, int vocab, double temperature, Rng rng) {
        double[] logp = Probabilities.log(v, off, vocab);
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < vocab; j++) if (sampled(j)) max = Math.max(max, logp[j]);
        double[] w = new double[vocab];
        double z = 0;
        for (int j = 0; j < vocab; j++) if (sampled(j)) z += w[j] = Math.exp((logp[j] - max) / temperature);
        double u = rng.nextDouble() * z;
        int last = Tokenizer.END;
        for (int j = 0; j < vocab; j++) {
            if (!sampled(j)) continue;
            u -= w[j];
            last = j;
            if (u < 0) return j;
        }
        return last; // rounding left u a hair above 0
    }

    private static boolean sampled(int id) {
        return id != Tokenizer.PAD && id != Tokenizer.BEGIN && id != Tokenizer.UNKNOWN;
    }
}
