package dev.nabla.examples;

import dev.nabla.data.Dataset;
import dev.nabla.data.IdxReader;
import dev.nabla.tensor.Tensor;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;

import static org.assertj.core.api.Assertions.assertThat;

/** W7 on a subset of Fashion-MNIST (the full run is `nabla bench W7`). */
class FashionVitTest {

    @BeforeEach
    void needsTheData() {
        Assumptions.assumeTrue(Files.isDirectory(IdxReader.FASHION_MNIST_DIR), "Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)");
    }

    @Test
    void theVisionTransformerLearnsFromFourThousandImages() {
        Dataset[] d = FashionMnist.firstRows(4000, 1000);
        FashionMnist.Result r = FashionVit.train(d, 2, 1, false);
        System.out.printf("W7 ViT on 4000 images: test accuracy %.4f, seconds per epoch %s%n", r.testAccuracy(), r.epochSeconds());
        assertThat(r.history().last("loss")).isLessThan(r.history().get("loss").get(0));
        assertThat(r.testAccuracy()).isGreaterThan(0.6); // 0.671 with seed 1; chance is 0.1
    }

    @Test
    void thePatchLayersCutSixteenSevenBySevenPatchesInRowMajorOrder() {
        float[] pixels = new float[784];
        for (int i = 0; i < 784; i++) pixels[i] = i;
        var patchLayers = dev.nabla.train.Sequential.of(FashionVit.model().layers().subList(0, 3).toArray(new dev.nabla.nn.Layer[0]));
        Tensor patches = patchLayers.apply(Tensor.of(pixels, 1, 784));
        assertThat(patches.shape()).containsExactly(1, 16, 49);
        for (int p = 0; p < 16; p++) for (int y = 0; y < 7; y++) for (int x = 0; x < 7; x++) {
            assertThat(patches.get(0, p, y * 7 + x)).isEqualTo((p / 4 * 7 + y) * 28 + p % 4 * 7 + x);
        }
    }
}
