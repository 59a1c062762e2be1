package dev.nabla.optim;

import dev.nabla.tensor.Tensor;

import java.util.Map;

/** Adagrad as PyTorch's {@code torch.optim.Adagrad}: s += g^2; p -= lr g / (sqrt(s) + eps). */
public final class Adagrad extends Optimizer {

    private final float initialAccumulator;
    private final float epsilon;

    public Adagrad(LearningRateSchedule schedule, float initialAccumulator, float epsilon) {
        super(schedule);
        if (initialAccumulator < 0 || !(epsilon > 0)) throw new IllegalArgumentException("adagrad: accumulator must not be negative and eps positive");
        this.initialAccumulator = initialAccumulator;
        this.epsilon = epsilon;
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
