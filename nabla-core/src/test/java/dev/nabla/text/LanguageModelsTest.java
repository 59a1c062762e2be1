package dev.nabla.text;

import dev.nabla.nn.Embedding;
import dev.nabla.tensor.Tensor;
import dev.nabla.train.Sequential;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class LanguageModelsTest {

    private static final List<String> WORDS = List.of("ab", "ab", "ab", "b");

    private static Tokenizer chars() {
        return Tokenizer.characters().fit(WORDS); // a = 5, b = 4 (b is the more frequent)
    }

    @Test
    void eachTextIsReadAfterTheBeginMarkerAndPredictedUpToTheEndMarker() {
        Tokenizer t = chars();
        LanguageModels.Pairs p = LanguageModels.nextTokens(t, List.of("ab", "babab"), 4);
        assertThat(p.inputs().data()).containsExactly(2, 5, 4, 0, /**/ 2, 4, 5, 4);
        assertThat(p.targets().data()).containsExactly(5, 4, 3, 0, /**/ 4, 5, 4, 3);
        assertThat(LanguageModels.lengthFor(t, List.of("ab", "babab"))).isEqualTo(6);
    }

    @Test
    void theBigramIsAddOneCountsOfAdjacentPairs() {
        Tokenizer t = chars();
        Bigram b = Bigram.fit(LanguageModels.nextTokens(t, WORDS, 3), t.vocabularySize());
        // 6 ids, 4 can come next (unknown, </s>, b, a); after <s>: a 3 times, b once.
        assertThat(b.probability(Tokenizer.BEGIN, 5)).isCloseTo((3 + 1) / (4.0 + 4), within(1e-12));
        assertThat(b.probability(Tokenizer.BEGIN, 4)).isCloseTo((1 + 1) / (4.0 + 4), within(1e-12));
        assertThat(b.probability(Tokenizer.BEGIN, Tokenizer.UNKNOWN)).isCloseTo(1 / 8.0, within(1e-12));
        assertThat(b.probability(Tokenizer.BEGIN, Tokenizer.PAD)).isZero();
        for (int previous = 0; previous < 6; previous++) {
            double sum = 0;
            for (int next = 0; next < 6; next++) sum += b.probability(previous, next);
            assertThat(sum).as("p(. | %d)", previous).isCloseTo(1, within(1e-12));
        }
        // "b": <s> -> b, b -> </s>; b was followed by </s> 4 times of 4.
        double expected = -(Math.log(2 / 8.0) + Math.log(5 / 8.0)) / 2;
        assertThat(b.lossPerToken(LanguageModels.nextTokens(t, List.of("b"), 3))).isCloseTo(expected, within(1e-12));
    }

    @Test
    void theLossPerTokenAveragesOverTheStepsThatAreNotPadding() {
        // Logits at step 0 favour id 1 (p = e^2 / (e^2 + 2)); step 1 is padding, whatever its scores.
        Tensor logits = Tensor.of(new float[] {0, 2, 0, 100, -100, 0}, 1, 2, 3);
        double expected = -Math.log(Math.exp(2) / (Math.exp(2) + 2));
        assertThat(LanguageModels.lossPerToken(logits, Tensor.of(new float[] {1, 0}, 1, 2))).isCloseTo(expected, within(1e-6));
        Tensor probabilities = Tensor.of(new float[] {0.25f, 0.5f, 0.25f, 1, 0, 0}, 1, 2, 3);
        assertThat(LanguageModels.lossPerToken(probabilities, Tensor.of(new float[] {2, 0}, 1, 2))).isCloseTo(Math.log(4), within(1e-6));
        assertThatThrownBy(() -> LanguageModels.lossPerToken(logits, Tensor.of(new float[] {0, 0}, 1, 2))).hasMessageContaining("every target is padding");
    }

    /** A bigram model as a network: the embedding row of the previous id holds the logits of the next. */
    private static Sequential lookupModel(Tokenizer t, double[][] p) {
        int v = t.vocabularySize();
        Sequential m = Sequential.of(Embedding.of(v, v));
        m.buildFor(new int[] {1, 3});
        float[] table = m.weights().get(0).value().data();
        for (int i = 0; i < v; i++) for (int j = 0; j < v; j++) table[i * v + j] = p[i][j] > 0 ? (float) Math.log(p[i][j]) : -30f;
        return m;
    }

    @Test
    void generationSamplesEachNextTokenFromTheModelsSoftenedDistribution() {
        Tokenizer t = chars().length(3);
        double[][] p = new double[6][6];
        p[Tokenizer.BEGIN][5] = 0.75; // <s> -> a or b
        p[Tokenizer.BEGIN][4] = 0.25;
        p[5][4] = 1;                  // a -> b
        p[4][Tokenizer.END] = 1;      // b -> </s>
        p[Tokenizer.UNKNOWN][Tokenizer.UNKNOWN] = 1;
        p[Tokenizer.END][Tokenizer.END] = 1;
        p[Tokenizer.PAD][Tokenizer.PAD] = 1;
        Sequential m = lookupModel(t, p);

        List<String> words = LanguageModels.generate(m, t, 4000, 1.0, 7);
        assertThat(words).containsOnly("ab", "b");
        double ab = words.stream().filter("ab"::equals).count() / 4000.0;
        assertThat(ab).isCloseTo(0.75, within(0.03));
        assertThat(LanguageModels.generate(m, t, 50, 1.0, 7)).isEqualTo(words.subList(0, 50));
        // A low temperature sharpens towards the likeliest word: (3/4)^(1/T) against (1/4)^(1/T).
        assertThat(LanguageModels.generate(m, t, 200, 0.1, 1)).containsOnly("ab");
        // A high one flattens every score, the end marker's (logit -30) too: the first letter is a with
        // probability 0.75^(1/T) / (0.75^(1/T) + 0.25^(1/T) + e^(-30/T)).
        double aFirst = LanguageModels.generate(m, t, 4000, 50, 3).stream().filter(w -> w.startsWith("a")).count() / 4000.0;
        double a = Math.pow(0.75, 0.02), b = Math.pow(0.25, 0.02), end = Math.exp(-30 / 50.0);
        assertThat(aFirst).isCloseTo(a / (a + b + end), within(0.03));
        assertThatThrownBy(() -> LanguageModels.generate(m, t, 5, 0, 1)).hasMessage("generate: the temperature must be positive, got 0.0");
    }

    @Test
    void generationNeverSamplesPaddingBeginOrUnknownAndStopsAtTheLength() {
        Tokenizer t = chars().length(3);
        double[][] p = new double[6][6];
        for (double[] row : p) {
            row[Tokenizer.PAD] = row[Tokenizer.BEGIN] = row[Tokenizer.UNKNOWN] = 0.3;
            row[5] = 0.1; // only "a" is left to draw, and never the end
        }
        List<String> words = LanguageModels.generate(lookupModel(t, p), t, 20, 1.0, 1);
        assertThat(words).containsOnly("aa");
    }
}
