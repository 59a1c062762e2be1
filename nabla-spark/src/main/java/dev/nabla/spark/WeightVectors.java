package dev.nabla.spark;

import dev.nabla.tensor.Tensor;

import java.util.List;

/** Tensors flattened into one vector and back, in list order: how parameters and gradients travel. */
final class WeightVectors {

    private WeightVectors() {}

    static int length(List<Tensor> tensors) {
        int n = 0;
        for (Tensor t : tensors) n += t.size();
        return n;
    }

    static float[] flatten(List<Tensor> tensors) {
        float[] out = new float[length(tensors)];
        int at = 0;
        for (Tensor t : tensors) {
            System.arraycopy(t.data(), 0, out, at, t.size());
            at += t.size();
        }
        return out;
    }

    /** Copies {@code vector} into the tensors' own arrays. */
    static void load(List<Tensor> tensors, float[] vector) {
        if (vector.length != length(tensors)) {
            throw new IllegalArgumentException("nabla-spark: a vector of " + vector.length + " values for tensors of " + length(tensors));
        }
        int at = 0;
        for (Tensor t : tensors) {
            System.arraycopy(vector, at, t.data(), 0, t.size());
            at += t.size();
        }
    }

    /** The tensors' gradients flattened and multiplied by {@code scale}; a tensor without gradient counts as zeros. */
    static float[] gradients(List<Tensor> tensors, float scale) {
        float[] out = new float[length(tensors)];
        int at = 0;
        for (Tensor t : tensors) {
            if (t.grad() != null) {
                float[] g = t.grad().data();
                for (int i = 0; i < g.length; i++) out[at + i] = g[i] * scale;
            }
            at += t.size();
        }
        return out;
    }

    /** {@code sum[i] += v[i]}, in double so that the order of partitions is the only order that matters. */
    static void add(double[] sum, float[] v) {
        for (int i = 0; i < v.length; i++) sum[i] += v[i];
    }

    static float[] divide(double[] sum, double by) {
        float[] out = new float[sum.length];
        for (int i = 0; i < sum.length; i++) out[i] = (float) (sum[i] / by);
        return out;
    }
}
