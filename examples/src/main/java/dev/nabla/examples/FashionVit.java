package dev.nabla.examples;

import dev.nabla.data.Dataset;
import dev.nabla.data.IdxReader;
import dev.nabla.nn.Activation;
import dev.nabla.nn.Dense;
import dev.nabla.nn.GlobalAveragePooling1D;
import dev.nabla.nn.LayerNormalization;
import dev.nabla.nn.Permute;
import dev.nabla.nn.PositionalEmbedding;
import dev.nabla.nn.Reshape;
import dev.nabla.nn.TransformerBlock.FeedForwardActivation;
import dev.nabla.nn.TransformerEncoderLayer;
import dev.nabla.train.Sequential;

/**
 * Workload W7: a small vision Transformer on Fashion-MNIST. Each image is cut into 16 patches of 7x7 pixels in
 * row-major order, embedded by a Dense 49-64 with a learned position embedding (16x64) added, then 2 pre-LayerNorm
 * encoder layers (4 heads of 16, MLP 64-128-64 with exact GELU, no dropout), the mean over the 16 tokens, a
 * LayerNorm and a Dense 10; softmax cross-entropy from logits, Adam lr 1e-3, batch 128, 2 epochs, PyTorch's default
 * initialisation (U(+-1/sqrt(fan in)) for the linear layers, N(0, 1) for the position table as nn.Embedding's).
 *
 * <p>The patches are cut by the model's first three layers, Reshape [4, 7, 4, 7] (patch row, pixel row, patch
 * column, pixel column), Permute and Reshape [16, 49], rather than by a data transform: the model then takes the
 * flat 784 pixels as W4 does, predicts and exports to ONNX from raw images, and the cost is one copy of each batch.
 * The mean over the tokens is a GlobalAveragePooling1D ([batch, 16, 64] to [batch, 64]).
 */
public final class FashionVit {

    private FashionVit() {}

    public static Sequential model() {
        return Sequential.of(
                new Reshape(4, 7, 4, 7), new Permute(1, 3, 2, 4), new Reshape(16, 49),
                Dense.pytorchStyle(64, Activation.LINEAR), new PositionalEmbedding(16, 64),
                encoder(), encoder(),
                new GlobalAveragePooling1D(),
                new LayerNormalization(), Dense.pytorchStyle(10, Activation.LINEAR));
    }

    private static TransformerEncoderLayer encoder() {
        return new TransformerEncoderLayer(null, 64, 4, 128, 0.0, FeedForwardActivation.GELU, true, 1e-5);
    }

    /** Trains W7 on {@code d} = {train, test} (flat pixels / 255) as FashionMnist trains W4 and W5. */
    public static FashionMnist.Result train(Dataset[] d, int epochs, long seed, boolean verbose) {
        return FashionMnist.train(model(), d, epochs, seed, verbose);
    }

    public static void main(String[] args) {
        FashionMnist.Result r = train(IdxReader.fashionMnist(IdxReader.FASHION_MNIST_DIR, false), 2, 1, true);
        System.out.printf("W7 ViT: test accuracy %.4f; seconds per epoch %s%n", r.testAccuracy(), r.epochSeconds());
    }
}
