package dev.nabla.examples;

import dev.nabla.data.Dataset;
import dev.nabla.data.IdxReader;
import dev.nabla.nn.Activation;
import dev.nabla.nn.Dense;
import dev.nabla.nn.LSTM;
import dev.nabla.nn.Reshape;
import dev.nabla.train.Sequential;

/**
 * Workload W6: each Fashion-MNIST image read row by row, as a sequence of 28 steps of 28 pixels, by an LSTM(64)
 * (PyTorch's nn.LSTM layout and initialisation); its last hidden state goes to a dense layer of 10 logits. Softmax
 * cross-entropy from logits, Adam lr 1e-3, batch 128, reshuffled each epoch, 2 epochs (see {@link FashionMnist#train}).
 */
public final class FashionLstm {

    private FashionLstm() {}

    /** [n, 784] pixels -> [n, 28, 28] rows -> LSTM(64) last output -> 10 logits. */
    public static Sequential model() {
        return Sequential.of(new Reshape(28, 28), LSTM.of(64), Dense.pytorchStyle(10, Activation.LINEAR));
    }

    public static FashionMnist.Result train(Dataset[] trainAndTest, int epochs, long seed, boolean verbose) {
        return FashionMnist.train(model(), trainAndTest, epochs, seed, verbose);
    }

    public static void main(String[] args) {
        FashionMnist.Result r = train(IdxReader.fashionMnist(IdxReader.FASHION_MNIST_DIR, false), 2, 1, true);
        System.out.printf("W6 LSTM: test accuracy %.4f; seconds per epoch %s%n", r.testAccuracy(), r.epochSeconds());
    }
}
