package dev.nabla.examples;

import dev.nabla.data.TextFiles;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The text examples on small data: the classifier of reviews, the word generator. */
class TextExamplesTest {

    @Test
    void theWordGeneratorBeatsTheBigramOnHeldOutWordsAndSamplesMostlyNewWords() {
        Assumptions.assumeTrue(Files.isRegularFile(WordGenerator.WORDS), "the English word list is not installed (apt-get install wamerican)");
        List<String> all = TextFiles.nonBlankLines(WordGenerator.WORDS), subset = new ArrayList<>();
        for (int i = 0; i < all.size(); i += 20) subset.add(all.get(i)); // about 5,200 words from a to z
        WordGenerator.Result r = WordGenerator.run(subset, 5, 1);
        System.out.printf("word generator on %d words: loss per character model %.4f, bigram %.4f; %.0f%% novel: %s%n", subset.size(), r.modelLoss(),
                r.bigramLoss(), 100 * r.novelShare(), String.join(" ", r.samples()));
        assertThat(r.modelLoss()).isLessThan(r.bigramLoss() - 0.05);
        assertThat(r.novelShare()).isGreaterThanOrEqualTo(0.5);
        assertThat(r.samples()).hasSize(20);
        double meanLength = r.samples().stream().mapToInt(String::length).average().orElseThrow();
        assertThat(meanLength).as("mean sample length").isBetween(4.0, 14.0);
    }

    @Test
    void theReviewClassifierLearnsNegationAndLabelsRawTextAfterLoading(@TempDir Path dir) {
        TextClassifier.Result r = TextClassifier.run(1500, 8, 1, dir.resolve("reviews.nabla"));
        System.out.printf("text classifier: test accuracy %.4f, probes %s%n", r.testAccuracy(), r.probeLabels());
        // 30% of the reviews are negated: a model that ignored the "not" would stay near 70%.
        assertThat(r.testAccuracy()).isGreaterThanOrEqualTo(0.95);
        assertThat(r.probeLabels()).isEqualTo(TextClassifier.PROBE_LABELS);
    }
}
