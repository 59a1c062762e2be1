package dev.nabla.cli;

import dev.nabla.examples.TextClassifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static dev.nabla.cli.CliTest.inProcess;
import static org.assertj.core.api.Assertions.assertThat;

/** nabla gradcheck on trained recurrent text models: correct layers with small recurrent gradients pass. */
class GradcheckCommandTest {

    @Test
    void trainedLstmAndGruTextClassifiersPassTheGradientCheck(@TempDir Path dir) throws Exception {
        Path reviews = dir.resolve("reviews.csv");
        TextClassifier.writeCsv(reviews, TextClassifier.reviews(300, 3));
        for (String layers : new String[] {"embedding:8,lstm:8,2", "embedding:8,gru:8,2"}) {
            Path run = dir.resolve(layers.replace(':', '_').replace(',', '-'));
            CliTest.Run train = inProcess("train", "--data", reviews.toString(), "--text-column", "review", "--target", "label",
                    "--layers", layers, "--epochs", "3", "--out", run.toString());
            assertThat(train.exit()).as(train.err()).isZero();
            long start = System.nanoTime();
            CliTest.Run check = inProcess("gradcheck", run.resolve("model.nabla").toString(), "--data", reviews.toString());
            double seconds = (System.nanoTime() - start) / 1e9;
            assertThat(check.out()).as(layers).contains("weight_hh", "All gradients agree").doesNotContain("WRONG?");
            assertThat(check.exit()).as(layers + "\n" + check.out()).isZero();
            assertThat(seconds).as("a model of a few thousand weights is checked in seconds").isLessThan(20);
        }
    }
}
