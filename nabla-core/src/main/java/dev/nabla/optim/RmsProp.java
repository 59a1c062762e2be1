package dev.nabla.optim;

import dev.nabla.kernels.MomentFloors;
import dev.nabla.tensor.Tensor;

import java.util.Map;

/** RMSprop as PyTorch's {@code torch.optim.RMSprop} (no momentum, not centred): s = a s + (1 - a) g^2; p -= lr g / (sqrt(s) + eps). */
public final class RmsProp extends Optimizer {

    private final float rho;
    private final float epsilon;

    public RmsProp(LearningRateSchedule schedule, double rho, double epsilon) {
        super(schedule);
        this.rho = (float) rho;
        this.epsilon = (float) epsilon;
        if (!(this.rho >= 0 && this.rho < 1) || !(this.epsilon > 0)) {
            throw new IllegalArgumentException("rmsprop: rho must be in [0, 1) and eps positive, got " + rho + ", " + epsilon);
        }
    }

    @Override
    protected void update(Tensor param, float[] p, float[] g, float lr) {
        float[] s = slot("square_avg", param, p.length);
        // In blocks, each block's average then floored while in the cache: an average decaying towards zero would
        // become subnormal floats, a hundred times slower (MomentFloors).
        for (int from = 0; from < p.length; from += MomentFloors.BLOCK) {
            int to = Math.min(p.length, from + MomentFloors.BLOCK);
            for (int i = from; i < to; i++) {
                float si = rho * s[i] + (1 - rho) * g[i] * g[i];
                s[i] = si;
                p[i] -= lr * g[i] / ((float) Math.sqrt(si) + epsilon);
            }
            MomentFloors.zeroBelow(s, from, to, MomentFloors.SQUARED_GRADIENT);
        }
    }


    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = super.config();
        c.put("rho", (double) rho);
        c.put("epsilon", (double) epsilon);
        return c;
    }
}
