package dev.nabla.examples;

import dev.nabla.data.IdxReader;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;

import static org.assertj.core.api.Assertions.assertThat;

/** Workload W6's model, trained on the first 3000 images for 2 epochs (the whole workload is `nabla bench W6`). */
class FashionLstmTest {

    @BeforeEach
    void needsTheData() {
        Assumptions.assumeTrue(Files.isDirectory(IdxReader.FASHION_MNIST_DIR), "Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)");
    }

    @Test
    void rowByRowLstmLearnsFashionMnistFromASmallSubset() {
        FashionMnist.Result r = FashionLstm.train(FashionMnist.firstRows(3000, 1000), 2, 1, false);
        System.out.printf("W6 LSTM on 3000 images: test accuracy %.4f, seconds per epoch %s%n", r.testAccuracy(), r.epochSeconds());
        assertThat(r.history().get("loss").get(1)).isLessThan(r.history().get("loss").get(0));
        assertThat(r.testAccuracy()).isGreaterThan(0.4);
    }
}
