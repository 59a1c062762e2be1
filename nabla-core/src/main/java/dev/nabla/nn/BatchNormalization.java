package dev.nabla.nn;

import dev.nabla.autograd.Autograd;
import dev.nabla.autograd.NoGrad;
import dev.nabla.tensor.Tensor;

import java.util.Map;

/**
 * Batch normalisation over the batch (and, for [n, c, h, w] images, the spatial) axes, per channel. In training it
 * normalises with the batch statistics and updates running averages; in inference it uses the running averages.
 * PyTorch's conventions: {@code running = (1 - momentum) * running + momentum * batch} with momentum 0.1, the
 * running variance unbiased, eps 1e-5 (Keras's momentum 0.99 is 1 - 0.01 of this one).
 */
public class BatchNormalization extends Layer {

    private final double momentum;
    private final double epsilon;
    private Tensor gamma;
    private Tensor beta;
    private Tensor movingMean;
    private Tensor movingVariance;

    public BatchNormalization() {
        this(null, 0.1, 1e-5);
    }

    public BatchNormalization(String name, double momentum, double epsilon) {
        super(name);
        if (!(momentum >= 0 && momentum <= 1)) throw new IllegalArgumentException("BatchNormalization: momentum must be in [0, 1], got " + momentum);
        if (!(epsilon > 0)) throw new IllegalArgumentException("BatchNormalization: epsilon must be positive, got " + epsilon);
        this.momentum = momentum;
        this.epsilon = epsilon;
    }

    @Override
    protected void build(int[] inputShape) {
        if (inputShape.length != 2 && inputShape.length != 4) throw shapeError("[batch, channels] or [batch, channels, height, width]", inputShape);
        int c = inputShape[1];
        gamma = addWeight("gamma", new int[] {c}, Initializers.ones(), true);
        beta = addWeight("beta", new int[] {c}, Initializers.zeros(), true);
        movingMean = addWeight("moving_mean", new int[] {c}, Initializers.zeros(), false);
        movingVariance = addWeight("moving_variance", new int[] {c}, Initializers.ones(), false);
    }

    @Override
    protected Tensor forward(Tensor x) {
        int c = gamma.size();
        if ((x.rank() != 2 && x.rank() != 4) || x.dim(1) != c) {
            throw shapeError(x.rank() == 4 ? "[batch, " + c + ", height, width]" : "[batch, " + c + "]", x.shape());
        }
        int[] axes = x.rank() == 2 ? new int[] {0} : new int[] {0, 2, 3};
        int[] perChannel = x.rank() == 2 ? new int[] {1, c} : new int[] {1, c, 1, 1};
        Tensor mean, variance;
        if (isTraining()) {
            mean = x.mean(axes, true);
            variance = x.sub(mean).square().mean(axes, true);
            updateRunningStatistics(mean, variance, x.size() / c);
        } else {
            mean = movingMean.reshape(perChannel);
            variance = movingVariance.reshape(perChannel);
        }
        Tensor normalised = x.sub(mean).div(variance.add((float) epsilon).sqrt());
        return normalised.mul(gamma.reshape(perChannel)).add(beta.reshape(perChannel));
    }

    private void updateRunningStatistics(Tensor mean, Tensor variance, int count) {
        float m = (float) momentum;
        float unbias = count > 1 ? (float) count / (count - 1) : 1f;
        try (NoGrad ignored = Autograd.noGrad()) {
            float[] rm = movingMean.data(), rv = movingVariance.data(), bm = mean.data(), bv = variance.data();
            for (int i = 0; i < rm.length; i++) {
                rm[i] = (1 - m) * rm[i] + m * bm[i];
                rv[i] = (1 - m) * rv[i] + m * bv[i] * unbias;
            }
        }
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = super.config();
        c.put("momentum", momentum);
        c.put("epsilon", epsilon);
        return c;
    }
}
