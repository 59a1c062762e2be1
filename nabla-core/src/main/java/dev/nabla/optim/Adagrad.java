package dev.nabla.optim;

import dev.nabla.tensor.Tensor;

import java.util.Map;

/** Adagrad as PyTorch's {@code torch.optim.Adagrad}: s += g^2; p -= lr g / (sqrt(s) + eps). */
public final class Adagrad extends Optimizer {

    private final float initialAccumulator;
    private final float epsilon;

    public Adagrad(LearningRateSchedule schedule, double initialAccumulator, double epsilon) {
        super(schedule);
        this.initialAccumulator = (float) initialAccumulator;
        this.epsilon = (float) epsilon;
        if (!(this.initialAccumulator >= 0) || !(this.epsilon > 0)) {
            throw new IllegalArgumentException("adagrad: accumulator must not be negative and eps positive, got " + initialAccumulator + ", " + epsilon);
        }
    }

    @Override
    protected void update(Tensor param, float[] p, float[] g, float lr) {
        float[] s = slot("sum", param, p.length, initialAccumulator);
        for (int i = 0; i < p.length; i++) {
            float si = s[i] + g[i] * g[i];
            s[i] = si;
            p[i] -= lr * g[i] / ((float) Math.sqrt(si) + epsilon);
        }
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = super.config();
        c.put("initial_accumulator", (double) initialAccumulator);
        c.put("epsilon", (double) epsilon);
        return c;
    }
}
