package dev.nabla.optim;

import dev.nabla.kernels.AdamStep;
import dev.nabla.kernels.MomentFloors;
import dev.nabla.kernels.Parallel;
import dev.nabla.tensor.Tensor;

import java.util.Map;

/**
 * Adam (Kingma and Ba), as PyTorch's {@code torch.optim.Adam} / {@code AdamW}: m = b1 m + (1 - b1) g,
 * v = b2 v + (1 - b2) g^2, p -= lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps). With {@code decoupled}
 * (AdamW) the weight decay shrinks the weights directly, p -= lr * wd * p, instead of joining the gradient
 * (Adam's L2). Keras puts eps inside the bias correction ("eps hat"); the difference shows only when v is tiny.
 * Moments that decay below 2^-100 (m) and the smallest normal float (v) become zero ({@link MomentFloors}): subnormal
 * floats are a hundred times slower on x86, and such moments change no float weight.
 */
public final class Adam extends Optimizer {

    /** Weights per parallel chunk: some microseconds of work, a few hundred times a thread hand-off. */
    private static final int CHUNK = 16 * 1024;

    private final float beta1;
    private final float beta2;
    private final float epsilon;
    private final float weightDecay;
    private final boolean decoupled;

    public Adam(LearningRateSchedule schedule, double beta1, double beta2, double epsilon, double weightDecay, boolean decoupled) {
        super(schedule);
        // Checked as stored: a beta just below 1 may round to 1 in float32.
        this.beta1 = (float) beta1;
        this.beta2 = (float) beta2;
        this.epsilon = (float) epsilon;
        this.weightDecay = (float) weightDecay;
        this.decoupled = decoupled;
        if (!(this.beta1 >= 0 && this.beta1 < 1 && this.beta2 >= 0 && this.beta2 < 1)) {
            throw new IllegalArgumentException("adam: betas must be in [0, 1), got " + beta1 + ", " + beta2);
        }
        if (!(this.epsilon > 0) || !(this.weightDecay >= 0)) {
            throw new IllegalArgumentException("adam: eps must be positive and weight decay not negative, got " + epsilon + ", " + weightDecay);
        }
    }

    @Override
    protected void update(Tensor param, float[] p, float[] g, float lr) {
        float[] m = slot("m", param, p.length), v = slot("v", param, p.length);
        long t = iterations() + 1;
        float c1 = (float) (1 - Math.pow(beta1, t));
        float sqrtC2 = (float) Math.sqrt(1 - Math.pow(beta2, t));
        float stepSize = lr / c1;
        float shrink = decoupled ? 1 - lr * weightDecay : 1;
        float l2 = decoupled ? 0 : weightDecay;
        AdamStep.Coefficients c = new AdamStep.Coefficients(beta1, beta2, l2, shrink, stepSize, sqrtC2, epsilon);
        // Elementwise, so splitting it across threads changes no result. Chunks claimed one at a time rather than one
        // per thread: a worker that starts late (parked, or its core taken) then leaves the caller no half to wait for.
        Parallel.forEachChunk(p.length, CHUNK, (from, to) -> AdamStep.update(p, g, m, v, from, to, c));
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = super.config();
        c.put("type", decoupled ? "AdamW" : "Adam");
        c.put("beta1", (double) beta1);
        c.put("beta2", (double) beta2);
        c.put("epsilon", (double) epsilon);
        c.put("weight_decay", (double) weightDecay);
        return c;
    }
}
