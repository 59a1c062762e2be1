package dev.nabla.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The text examples on small data: the classifier of reviews, the word generator. */
class TextExamplesTest {

    @Test
    void theReviewClassifierLearnsNegationAndLabelsRawTextAfterLoading(@TempDir Path dir) {
        TextClassifier.Result r = TextClassifier.run(1500, 8, 1, dir.resolve("reviews.nabla"));
        System.out.printf("text classifier: test accuracy %.4f, probes %s%n", r.testAccuracy(), r.probeLabels());
        // 30% of the reviews are negated: a model that ignored the "not" would stay near 70%.
        assertThat(r.testAccuracy()).isGreaterThanOrEqualTo(0.95);
        assertThat(r.probeLabels()).isEqualTo(TextClassifier.PROBE_LABELS);
    }
}
