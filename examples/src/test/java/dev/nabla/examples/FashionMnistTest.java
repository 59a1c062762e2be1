package dev.nabla.examples;

import dev.nabla.data.IdxReader;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Workloads W4 and W5 end to end on the real data (CI installs it): the accuracy bars of the issue, with the
 * measured accuracy and seconds per epoch printed for the record.
 */
class FashionMnistTest {

    @BeforeEach
    void needsTheData() {
        Assumptions.assumeTrue(Files.isDirectory(IdxReader.FASHION_MNIST_DIR), "Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)");
    }

    @Test
    void mlpReaches87PercentInFiveEpochs() {
        FashionMnist.Result r = FashionMnist.train(FashionMnist.mlp(), false, 5, 1, false);
        System.out.printf("W4 MLP: test accuracy %.4f, seconds per epoch %s%n", r.testAccuracy(), r.epochSeconds());
        assertThat(r.testAccuracy()).isGreaterThanOrEqualTo(0.87);
    }

    @Test
    void cnnReaches86PercentInTwoEpochs() {
        FashionMnist.Result r = FashionMnist.train(FashionMnist.cnn(), true, 2, 1, false);
        System.out.printf("W5 CNN: test accuracy %.4f, seconds per epoch %s%n", r.testAccuracy(), r.epochSeconds());
        assertThat(r.testAccuracy()).isGreaterThanOrEqualTo(0.86);
    }
}
