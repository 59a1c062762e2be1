package dev.nabla.tensor;

import dev.nabla.autograd.Autograd;
import dev.nabla.kernels.RecycledArrays;
import dev.nabla.kernels.Reduce;

import java.util.Arrays;

/** Reductions over any set of axes, with their backward rules. */
final class ReductionOps {
    private ReductionOps() {}

    /**
     * Reduces the sorted axes, merging runs of adjacent axes so each pass is one [outer, r, inner] kernel call.
     * Returns values in the keepDims shape.
     */
    private static float[] reduceAxes(Reduce.Kind kind, float[] data, int[] shape, int[] axes) {
        int[] cur = shape.clone();
        float[] values = data;
        int i = axes.length - 1;
        while (i >= 0) {
            int hi = axes[i], lo = hi;
            while (i > 0 && axes[i - 1] == lo - 1) lo = axes[--i];
            i--;
            int outer = 1, r = 1, inner = 1;
            for (int d = 0; d < lo; d++) outer *= cur[d];
            for (int d = lo; d <= hi; d++) r *= cur[d];
            for (int d = hi + 1; d < cur.length; d++) inner *= cur[d];
            float[] next = new float[outer * inner];
            if (r == 0 && kind != Reduce.Kind.SUM) {
                throw new IllegalArgumentException(kind.name().toLowerCase() + ": reduction over an empty dimension of shape "
                        + Shape.str(shape));
            }
            Reduce.reduce(kind, values, outer, r, inner, next);
            values = next;
            for (int d = lo; d <= hi; d++) cur[d] = 1;
        }
        return values;
    }

    static Tensor sum(Tensor a, int[] axes, boolean keepDims) {
        int[] ax = Shape.axes("sum", axes, a.shape.length);
        int[] keptShape = Shape.withoutAxes(a.shape, ax, true);
        float[] values = ax.length == 0 ? a.data.clone() : reduceAxes(Reduce.Kind.SUM, a.data, a.shape, ax);
        Tensor out = new Tensor(values, keepDims ? keptShape : Shape.withoutAxes(a.shape, ax, false));
        return Autograd.record("sum", () -> "d(sum x)/dx_i = 1: the gradient is copied to every summed element",
                out, (g, n) -> new Tensor[] {spread(g, keptShape, a.shape)}, a);
    }

    static Tensor mean(Tensor a, int[] axes, boolean keepDims) {
        int[] ax = Shape.axes("mean", axes, a.shape.length);
        int count = 1;
        for (int d : ax) count *= a.shape[d];
        int[] keptShape = Shape.withoutAxes(a.shape, ax, true);
        float[] values = ax.length == 0 ? a.data.clone() : reduceAxes(Reduce.Kind.SUM, a.data, a.shape, ax);
        float inv = 1f / count;
        for (int i = 0; i < values.length; i++) values[i] *= inv;
        Tensor out = new Tensor(values, keepDims ? keptShape : Shape.withoutAxes(a.shape, ax, false));
        return Autograd.record("mean", () -> "d(mean x)/dx_i = 1/n: the gradient is shared equally by the n averaged elements",
                out, (g, n) -> new Tensor[] {spread(g.mul(inv), keptShape, a.shape)}, a);
    }

    /**
     * A sum's or mean's gradient: g (the kept shape's values) copied along the reduced axes, as broadcastTo copies
     * them, into a recycled array that the engine gives back (W7's mean over its 16 tokens took a new 512 KB array
     * every step).
     */
    private static Tensor spread(Tensor g, int[] keptShape, int[] shape) {
        if (g.data.length == Shape.size(shape)) return MovementOps.reshapedGradient(g, shape);
        float[] out = RecycledArrays.take(Shape.size(shape));
        MovementOps.broadcastInto(g.data, keptShape, out, shape);
        return Tensor.ofRecyclable(out, shape);
    }

    static Tensor extreme(Reduce.Kind kind, Tensor a, int[] axes, boolean keepDims) {
        String name = kind == Reduce.Kind.MAX ? "max" : "min";
        int[] ax = Shape.axes(name, axes, a.shape.length);
        if (a.data.length == 0) throw new IllegalArgumentException(name + ": empty tensor of shape " + Shape.str(a.shape));
        int[] keptShape = Shape.withoutAxes(a.shape, ax, true);
        float[] values = ax.length == 0 ? a.data.clone() : reduceAxes(kind, a.data, a.shape, ax);
        Tensor out = new Tensor(values, keepDims ? keptShape : Shape.withoutAxes(a.shape, ax, false));
        // The gradient goes to the positions holding the extreme; ties share it equally.
        return Autograd.record(name, () -> "the gradient goes to the element that was the " + (kind == Reduce.Kind.MAX ? "maximum" : "minimum")
                + "; equal extremes share it equally", out, (g, n) -> {
            Tensor kept = new Tensor(values, keptShape);
            Tensor hits = a.detach().eq(kept);
            Tensor count = hits.sum(ax, true);
            return new Tensor[] {hits.mul(g.reshape(keptShape)).div(count)};
        }, a);
    }

    static Tensor var(Tensor a, int[] axes, int correction, boolean keepDims) {
        int[] ax = Shape.axes("var", axes, a.shape.length);
        int count = 1;
        for (int d : ax) count *= a.shape[d];
        if (count - correction <= 0) {
            throw new IllegalArgumentException("var: " + count + " values with correction " + correction
                    + " (shape " + Shape.str(a.shape) + ")");
        }
        Tensor centered = a.sub(a.mean(ax, true));
        return centered.square().sum(ax, keepDims).div((float) (count - correction));
    }

    static Tensor logsumexp(Tensor a, int[] axes, boolean keepDims) {
        int[] ax = Shape.axes("logsumexp", axes, a.shape.length);
        int[] keptShape = Shape.withoutAxes(a.shape, ax, true);
        Tensor m = a.detach().max(ax, true);
        float[] md = m.data;
        for (int i = 0; i < md.length; i++) if (Float.isInfinite(md[i])) md[i] = 0f; // all -inf or an inf: no shift
        Tensor s = a.detach().sub(m).exp().sum(ax, true);
        Tensor lse = s.log().add(m);
        Tensor out = new Tensor(lse.data, keepDims ? keptShape : Shape.withoutAxes(a.shape, ax, false));
        return Autograd.record("logsumexp", () -> "d logsumexp(x)/dx_i = e^(x_i - logsumexp(x)), the softmax of x over the reduced axes",
                out, (g, n) -> new Tensor[] {
                a.detach().sub(lse).exp().mul(g.reshape(keptShape))}, a);
    }

    static Tensor argExtreme(boolean max, Tensor a, int axis, boolean keepDims) {
        String name = max ? "argmax" : "argmin";
        int ax = Shape.axis(name, axis, a.shape.length);
        int r = a.shape[ax], outer = 1, inner = 1;
        if (r == 0) throw new IllegalArgumentException(name + ": empty axis " + axis + " of shape " + Shape.str(a.shape));
        for (int d = 0; d < ax; d++) outer *= a.shape[d];
        for (int d = ax + 1; d < a.shape.length; d++) inner *= a.shape[d];
        float[] out = new float[outer * inner];
        Reduce.argExtreme(max, a.data, outer, r, inner, out);
        return new Tensor(out, Shape.withoutAxes(a.shape, new int[] {ax}, keepDims));
    }

    /** Sums over the dimensions along which {@code target} was broadcast to this tensor's shape. */
    static Tensor sumTo(Tensor a, int[] target) {
        if (Arrays.equals(a.shape, target)) return a;
        int[] check = Shape.broadcast("sumTo", target, a.shape);
        if (!Arrays.equals(check, a.shape)) {
            throw new IllegalArgumentException("sumTo: shape " + Shape.str(a.shape) + " is not a broadcast of "
                    + Shape.str(target));
        }
        int lead = a.shape.length - target.length;
        int count = 0;
        int[] axes = new int[a.shape.length];
        for (int i = 0; i < a.shape.length; i++) {
            if (i < lead || (target[i - lead] == 1 && a.shape[i] != 1)) axes[count++] = i;
        }
        Tensor s = count == 0 ? a : a.sum(Arrays.copyOf(axes, count), true);
        return s.reshape(target);
    }
}
