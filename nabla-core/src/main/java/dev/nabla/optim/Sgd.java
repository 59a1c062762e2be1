package dev.nabla.optim;

import dev.nabla.kernels.MomentFloors;
import dev.nabla.tensor.Tensor;

import java.util.Map;

/**
 * Stochastic gradient descent with optional momentum, Nesterov momentum and L2 weight decay, as PyTorch's
 * {@code torch.optim.SGD}: g += wd * p; v = mu * v + g; p -= lr * (nesterov ? g + mu * v : v).
 */
public final class Sgd extends Optimizer {

    private final float momentum;
    private final boolean nesterov;
    private final float weightDecay;

    public Sgd(LearningRateSchedule schedule, double momentum, boolean nesterov, double weightDecay) {
        super(schedule);
        this.momentum = (float) momentum;
        this.nesterov = nesterov;
        this.weightDecay = (float) weightDecay;
        if (!(this.momentum >= 0) || !(this.weightDecay >= 0)) {
            throw new IllegalArgumentException("sgd: momentum and weight decay must not be negative, got " + momentum + ", " + weightDecay);
        }
        if (nesterov && this.momentum == 0) throw new IllegalArgumentException("sgd: Nesterov momentum needs momentum > 0");
    }

    @Override
    protected void update(Tensor param, float[] p, float[] g, float lr) {
        if (momentum == 0) {
            for (int i = 0; i < p.length; i++) p[i] -= lr * (g[i] + weightDecay * p[i]);
            return;
        }
        float[] v = slot("momentum", param, p.length);
        // In blocks, each block's buffer then floored while in the cache: a buffer decaying towards zero would become
        // subnormal floats, a hundred times slower (MomentFloors).
        for (int from = 0; from < p.length; from += MomentFloors.BLOCK) {
            int to = Math.min(p.length, from + MomentFloors.BLOCK);
            for (int i = from; i < to; i++) {
                float gi = g[i] + weightDecay * p[i];
                float vi = momentum * v[i] + gi; // the buffer starts at 0, so the first step is the gradient, as PyTorch
                v[i] = vi;
                p[i] -= lr * (nesterov ? gi + momentum * vi : vi);
            }
            MomentFloors.zeroBelow(v, from, to, MomentFloors.GRADIENT);
        }
    }


    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = super.config();
        c.put("momentum", (double) momentum);
        c.put("nesterov", nesterov);
        c.put("weight_decay", (double) weightDecay);
        return c;
    }
}
