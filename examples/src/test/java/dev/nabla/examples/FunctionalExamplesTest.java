package dev.nabla.examples;

import dev.nabla.data.IdxReader;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The functional-model examples on a Fashion-MNIST subset: each trains, evaluates, saves, loads and predicts the same. */
class FunctionalExamplesTest {

    @BeforeEach
    void needsTheData() {
        Assumptions.assumeTrue(Files.isDirectory(IdxReader.FASHION_MNIST_DIR), "Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)");
    }

    @Test
    void theTwoInputModelLearnsFromTheImageAndItsBrightnessAndLoadsBack(@TempDir Path dir) {
        FashionTwoInputs.Result r = FashionTwoInputs.run(2000, 500, 3, 1, dir);
        System.out.printf("two inputs: test %s%n", r.test());
        assertThat(r.history().metrics().keySet()).containsExactly("loss", "accuracy", "val_loss", "val_accuracy");
        assertThat(r.history().last("loss")).isLessThan(r.history().get("loss").get(0));
        assertThat(r.test().get("accuracy")).isGreaterThan(0.7); // chance is 0.1
        assertThat(r.predictedAfterLoading().data()).containsExactly(r.predicted().data());
    }

    @Test
    void theMainAndAuxiliaryOutputsTrainWithLossWeightsAndLoadBack(@TempDir Path dir) {
        FashionAuxiliaryOutput.Result r = FashionAuxiliaryOutput.run(2000, 500, 3, 1, dir);
        System.out.printf("main and aux outputs: test %s%n", r.test());
        assertThat(r.history().metrics().keySet()).containsExactly("loss", "aux_loss", "main_loss", "aux_accuracy", "main_accuracy",
                "val_loss", "val_aux_loss", "val_main_loss", "val_aux_accuracy", "val_main_accuracy");
        assertThat(r.test().get("loss")).isCloseTo(r.test().get("main_loss") + 0.2 * r.test().get("aux_loss"), within(1e-6));
        assertThat(r.history().last("main_loss")).isLessThan(r.history().get("main_loss").get(0));
        assertThat(r.test().get("main_accuracy")).isGreaterThan(0.7);
        assertThat(r.test().get("aux_accuracy")).isGreaterThan(0.7);
        for (String out : new String[] {"main", "aux"}) {
            assertThat(r.predictedAfterLoading().get(out).data()).as(out).containsExactly(r.predicted().get(out).data());
        }
    }
}
