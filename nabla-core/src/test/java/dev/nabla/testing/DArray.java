package dev.nabla.testing;

import dev.nabla.tensor.Rng;
import dev.nabla.tensor.Tensor;

import java.util.Arrays;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import java.util.function.ToDoubleFunction;

/**
 * A deliberately simple n-dimensional array of doubles (row-major), for writing reference implementations in tests
 * that share no code with Nabla's kernels: every op here is a plain loop over multi-indices, so it is slow but
 * obviously right, and it runs in double precision so finite differences on it are accurate.
 *
 * <pre>{@code
 * DArray x = DArray.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
 * DArray y = x.map(Math::exp).sum(new int[] {1}, true);      // shape [2, 1]
 * DArray z = DArray.build(new int[] {3, 2}, i -> x.at(i[1], i[0]));  // the transpose, written by index
 * }</pre>
 */
public final class DArray {
    private final double[] data;
    private final int[] shape;

    private DArray(double[] data, int[] shape) {
        this.data = data;
        this.shape = shape;
    }

    /** Wraps row-major values (not copied) with a shape; no shape means 1-D. */
    public static DArray of(double[] data, int... shape) {
        int[] s = shape.length == 0 ? new int[] {data.length} : shape.clone();
        if (size(s) != data.length) {
            throw new IllegalArgumentException(data.length + " values do not fill shape " + Arrays.toString(s));
        }
        return new DArray(data, s);
    }

    public static DArray scalar(double v) {
        return new DArray(new double[] {v}, new int[0]);
    }

    public static DArray zeros(int... shape) {
        return new DArray(new double[size(shape)], shape.clone());
    }

    /** Standard normal values drawn from {@code new Rng(seed)}. */
    public static DArray random(long seed, int... shape) {
        Rng rng = new Rng(seed);
        double[] d = new double[size(shape)];
        for (int i = 0; i < d.length; i++) d[i] = rng.nextGaussian();
        return new DArray(d, shape.clone());
    }

    /** The exact values of a float tensor, widened to double. */
    public static DArray of(Tensor t) {
        float[] f = t.data();
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) d[i] = f[i];
        return new DArray(d, t.shape());
    }

    /** The values rounded to float32, as a new Nabla tensor. */
    public Tensor toTensor() {
        float[] f = new float[data.length];
        for (int i = 0; i < f.length; i++) f[i] = (float) data[i];
        return shape.length == 0 ? Tensor.scalar(f[0]) : Tensor.of(f, shape.clone());
    }

    /** This array with every value rounded to float32 and back, so Nabla and a reference see identical inputs. */
    public DArray roundedToFloat() {
        double[] d = new double[data.length];
        for (int i = 0; i < d.length; i++) d[i] = (float) data[i];
        return new DArray(d, shape);
    }

    /** An array whose value at each multi-index is {@code valueAt(index)}; the index array is reused between calls. */
    public static DArray build(int[] shape, ToDoubleFunction<int[]> valueAt) {
        double[] d = new double[size(shape)];
        int[] idx = new int[shape.length];
        for (int flat = 0; flat < d.length; flat++) {
            unravel(flat, shape, idx);
            d[flat] = valueAt.applyAsDouble(idx);
        }
        return new DArray(d, shape.clone());
    }

    public int[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public int size() {
        return data.length;
    }

    /** The live values, row-major. */
    public double[] data() {
        return data;
    }

    public DArray copy() {
        return new DArray(data.clone(), shape);
    }

    public double at(int... index) {
        return data[flat(index)];
    }

    public double item() {
        if (data.length != 1) throw new IllegalArgumentException("item of shape " + Arrays.toString(shape));
        return data[0];
    }

    public double maxAbs() {
        double m = 0;
        for (double v : data) m = Math.max(m, Math.abs(v));
        return m;
    }

    /** Sum over all elements of this * other (same shape). */
    public double dot(DArray other) {
        if (!Arrays.equals(shape, other.shape)) {
            throw new IllegalArgumentException("dot of " + Arrays.toString(shape) + " and " + Arrays.toString(other.shape));
        }
        double s = 0;
        for (int i = 0; i < data.length; i++) s += data[i] * other.data[i];
        return s;
    }

    // ------------------------------------------------------------------ elementwise

    public DArray map(DoubleUnaryOperator f) {
        double[] d = new double[data.length];
        for (int i = 0; i < d.length; i++) d[i] = f.applyAsDouble(data[i]);
        return new DArray(d, shape);
    }

    /** f(a, b) with NumPy broadcasting, written index by index. */
    public static DArray zip(DArray a, DArray b, DoubleBinaryOperator f) {
        int[] out = broadcastShapes(a.shape, b.shape);
        return build(out, i -> f.applyAsDouble(a.atBroadcast(i), b.atBroadcast(i)));
    }

    public DArray add(DArray o) { return zip(this, o, Double::sum); }
    public DArray sub(DArray o) { return zip(this, o, (x, y) -> x - y); }
    public DArray mul(DArray o) { return zip(this, o, (x, y) -> x * y); }
    public DArray div(DArray o) { return zip(this, o, (x, y) -> x / y); }

    /** The value at an index of a (larger or equal rank) broadcast shape: size-1 and missing dimensions repeat. */
    public double atBroadcast(int[] outIndex) {
        int lead = outIndex.length - shape.length;
        int flat = 0;
        for (int d = 0; d < shape.length; d++) flat = flat * shape[d] + (shape[d] == 1 ? 0 : outIndex[lead + d]);
        return data[flat];
    }

    public static int[] broadcastShapes(int[] a, int[] b) {
        int n = Math.max(a.length, b.length);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            int da = i < n - a.length ? 1 : a[i - (n - a.length)];
            int db = i < n - b.length ? 1 : b[i - (n - b.length)];
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException("cannot broadcast " + Arrays.toString(a) + " and " + Arrays.toString(b));
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    public DArray broadcastTo(int... target) {
        return build(target, this::atBroadcast);
    }

    // ------------------------------------------------------------------ reductions

    /**
     * Applies {@code f} to the values of each group that the axes reduce (an empty axes array means all axes).
     * The values of a group arrive in row-major order.
     */
    public DArray reduce(int[] axes, boolean keepDims, ToDoubleFunction<double[]> f) {
        boolean[] reduced = new boolean[shape.length];
        if (axes.length == 0) Arrays.fill(reduced, true);
        for (int a : axes) reduced[a < 0 ? a + shape.length : a] = true;
        int[] kept = shape.clone();
        int groupSize = 1;
        for (int d = 0; d < shape.length; d++) {
            if (reduced[d]) {
                groupSize *= shape[d];
                kept[d] = 1;
            }
        }
        int groups = size(kept);
        double[][] values = new double[groups][groupSize];
        int[] fill = new int[groups];
        int[] idx = new int[shape.length];
        for (int flat = 0; flat < data.length; flat++) {
            unravel(flat, shape, idx);
            int g = 0;
            for (int d = 0; d < shape.length; d++) g = g * kept[d] + (reduced[d] ? 0 : idx[d]);
            values[g][fill[g]++] = data[flat];
        }
        double[] out = new double[groups];
        for (int g = 0; g < groups; g++) out[g] = f.applyAsDouble(values[g]);
        if (keepDims) return new DArray(out, kept);
        int[] dropped = new int[shape.length];
        int n = 0;
        for (int d = 0; d < shape.length; d++) if (!reduced[d]) dropped[n++] = shape[d];
        return new DArray(out, Arrays.copyOf(dropped, n));
    }

    public DArray sum(int[] axes, boolean keepDims) {
        return reduce(axes, keepDims, DArray::sumOf);
    }

    public double sum() {
        return sumOf(data);
    }

    public DArray mean(int[] axes, boolean keepDims) {
        return reduce(axes, keepDims, v -> sumOf(v) / v.length);
    }

    public DArray max(int[] axes, boolean keepDims) {
        return reduce(axes, keepDims, v -> Arrays.stream(v).max().orElseThrow());
    }

    public DArray min(int[] axes, boolean keepDims) {
        return reduce(axes, keepDims, v -> Arrays.stream(v).min().orElseThrow());
    }

    /** Variance with a divisor of (n - correction), by the two-pass formula. */
    public DArray var(int[] axes, int correction, boolean keepDims) {
        return reduce(axes, keepDims, v -> {
            double m = sumOf(v) / v.length, s = 0;
            for (double x : v) s += (x - m) * (x - m);
            return s / (v.length - correction);
        });
    }

    public DArray logsumexp(int[] axes, boolean keepDims) {
        return reduce(axes, keepDims, v -> {
            double m = Arrays.stream(v).max().orElseThrow(), s = 0;
            for (double x : v) s += Math.exp(x - m);
            return m + Math.log(s);
        });
    }

    private static double sumOf(double[] v) {
        double s = 0;
        for (double x : v) s += x;
        return s;
    }

    // ------------------------------------------------------------------ shapes and linear algebra

    public DArray reshape(int... newShape) {
        if (size(newShape) != data.length) {
            throw new IllegalArgumentException("reshape " + Arrays.toString(shape) + " to " + Arrays.toString(newShape));
        }
        return new DArray(data, newShape.clone());
    }

    /** out[i0, i1, ...] = this[index where axis order[k] takes i_k]. */
    public DArray permute(int... order) {
        int[] out = new int[order.length];
        for (int k = 0; k < order.length; k++) out[k] = shape[order[k]];
        int[] src = new int[order.length];
        return build(out, i -> {
            for (int k = 0; k < order.length; k++) src[order[k]] = i[k];
            return at(src);
        });
    }

    /** Swaps the last two axes. */
    public DArray transposeLast() {
        int r = shape.length;
        int[] order = new int[r];
        for (int k = 0; k < r; k++) order[k] = k;
        order[r - 2] = r - 1;
        order[r - 1] = r - 2;
        return permute(order);
    }

    /** Matrix product of rank &ge; 2 arrays, batched over leading dimensions that broadcast (triple loop). */
    public DArray matmul(DArray b) {
        int ra = shape.length, rb = b.shape.length;
        int m = shape[ra - 2], k = shape[ra - 1], n = b.shape[rb - 1];
        if (b.shape[rb - 2] != k) throw new IllegalArgumentException("matmul inner dimensions");
        int[] batch = broadcastShapes(Arrays.copyOf(shape, ra - 2), Arrays.copyOf(b.shape, rb - 2));
        int[] outShape = Arrays.copyOf(batch, batch.length + 2);
        outShape[batch.length] = m;
        outShape[batch.length + 1] = n;
        DArray aBatch = reshapeBatch(this, batch), bBatch = reshapeBatch(b, batch);
        int[] ia = new int[batch.length + 2], ib = new int[batch.length + 2];
        return build(outShape, i -> {
            System.arraycopy(i, 0, ia, 0, batch.length);
            System.arraycopy(i, 0, ib, 0, batch.length);
            double s = 0;
            for (int p = 0; p < k; p++) {
                ia[batch.length] = i[batch.length];
                ia[batch.length + 1] = p;
                ib[batch.length] = p;
                ib[batch.length + 1] = i[batch.length + 1];
                s += aBatch.atBroadcast(ia) * bBatch.atBroadcast(ib);
            }
            return s;
        });
    }

    /** Left-pads the batch dimensions with 1s to the output batch rank, so atBroadcast lines up. */
    private static DArray reshapeBatch(DArray x, int[] batch) {
        int r = x.shape.length;
        int[] s = new int[batch.length + 2];
        Arrays.fill(s, 1);
        System.arraycopy(x.shape, 0, s, s.length - r, r);
        return new DArray(x.data, s);
    }

    // ------------------------------------------------------------------ helpers

    public static int size(int[] shape) {
        int n = 1;
        for (int d : shape) n *= d;
        return n;
    }

    private int flat(int[] index) {
        if (index.length != shape.length) {
            throw new IllegalArgumentException(index.length + " indices for shape " + Arrays.toString(shape));
        }
        int f = 0;
        for (int d = 0; d < shape.length; d++) {
            if (index[d] < 0 || index[d] >= shape[d]) {
                throw new IndexOutOfBoundsException(Arrays.toString(index) + " in " + Arrays.toString(shape));
            }
            f = f * shape[d] + index[d];
        }
        return f;
    }

    private static void unravel(int flat, int[] shape, int[] idx) {
        for (int d = shape.length - 1; d >= 0; d--) {
            idx[d] = flat % shape[d];
            flat /= shape[d];
        }
    }

    /**
     * The error function by composite Simpson integration of 2/sqrt(pi) e^(-t^2) over [0, x] (1000 panels): slow,
     * smooth in x and accurate to about 1e-11, and shares nothing with the series Nabla's kernels use.
     */
    public static double erf(double x) {
        if (x == 0) return 0;
        int n = 1000;
        double h = x / n, s = 1 + Math.exp(-x * x);
        for (int i = 1; i < n; i++) {
            double t = i * h;
            s += (i % 2 == 1 ? 4 : 2) * Math.exp(-t * t);
        }
        return s * h / 3 * 2 / Math.sqrt(Math.PI);
    }

    @Override
    public String toString() {
        return "DArray" + Arrays.toString(shape) + Arrays.toString(data);
    }
}
