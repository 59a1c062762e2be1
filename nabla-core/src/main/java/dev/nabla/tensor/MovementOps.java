package dev.nabla.tensor;

import dev.nabla.autograd.Autograd;
import dev.nabla.kernels.Elementwise;
import dev.nabla.kernels.RecycledArrays;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Ops that move values without arithmetic: reshape, transpose, slicing, indexing, joining, padding. */
final class MovementOps {
    private MovementOps() {}

    static Tensor reshape(Tensor a, int[] newShape) {
        int[] s = newShape.clone();
        int infer = -1, known = 1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == -1) {
                if (infer >= 0) throw new IllegalArgumentException("reshape: more than one -1 in " + Shape.str(newShape));
                infer = i;
            } else if (s[i] < 0) {
                throw new IllegalArgumentException("reshape: negative dimension in " + Shape.str(newShape));
            } else {
                known *= s[i];
            }
        }
        if (infer >= 0) {
            if (known == 0 || a.data.length % known != 0) {
                throw new IllegalArgumentException("reshape: cannot reshape " + Shape.str(a.shape) + " (" + a.data.length
                        + " values) to " + Shape.str(newShape));
            }
            s[infer] = a.data.length / known;
        }
        if (Shape.size(s) != a.data.length) {
            throw new IllegalArgumentException("reshape: cannot reshape " + Shape.str(a.shape) + " (" + a.data.length
                    + " values) to " + Shape.str(newShape));
        }
        if (Arrays.equals(s, a.shape) && !a.requiresGrad()) return a;
        int[] old = a.shape;
        return Autograd.record("reshape", () -> "reshaping moves no value: the gradient is reshaped back",
                new Tensor(a.data, s), (g, n) -> new Tensor[] {reshapedGradient(g, old)}, a);
    }

    /**
     * A gradient reshaped in a backward rule: one in a recycled array stays recyclable, so that the rule that consumes
     * the reshaped one gives the array back (W5's dense layer's input gradient, 800 KB a step, passed through a flatten
     * and was never given back).
     */
    static Tensor reshapedGradient(Tensor g, int[] shape) {
        return g.isRecyclable() ? Tensor.ofRecyclable(g.data, shape) : g.reshape(shape);
    }

    static Tensor flatten(Tensor a, int startAxis, int endAxis) {
        int r = a.shape.length;
        if (r == 0) return a.reshape(1);
        int s = Shape.axis("flatten", startAxis, r), e = Shape.axis("flatten", endAxis, r);
        if (s > e) throw new IllegalArgumentException("flatten: start axis " + startAxis + " after end axis " + endAxis);
        int[] out = new int[r - (e - s)];
        int j = 0, merged = 1;
        for (int i = 0; i < r; i++) {
            if (i < s || i > e) out[j++] = a.shape[i];
            else {
                merged *= a.shape[i];
                if (i == e) out[j++] = merged;
            }
        }
        return a.reshape(out);
    }

    static Tensor squeeze(Tensor a, int[] axes) {
        boolean[] drop = new boolean[a.shape.length];
        if (axes.length == 0) {
            for (int i = 0; i < drop.length; i++) drop[i] = a.shape[i] == 1;
        } else {
            for (int ax : axes) {
                int k = Shape.axis("squeeze", ax, a.shape.length);
                if (a.shape[k] != 1) throw new IllegalArgumentException("squeeze: axis " + ax + " of shape "
                        + Shape.str(a.shape) + " has size " + a.shape[k] + ", not 1");
                drop[k] = true;
            }
        }
        int[] out = new int[a.shape.length];
        int j = 0;
        for (int i = 0; i < drop.length; i++) if (!drop[i]) out[j++] = a.shape[i];
        return a.reshape(Arrays.copyOf(out, j));
    }

    static Tensor unsqueeze(Tensor a, int axis) {
        int ax = Shape.axis("unsqueeze", axis, a.shape.length + 1);
        int[] out = new int[a.shape.length + 1];
        for (int i = 0, j = 0; i < out.length; i++) out[i] = i == ax ? 1 : a.shape[j++];
        return a.reshape(out);
    }

    static Tensor broadcastTo(Tensor a, int[] newShape) {
        int[] s = Shape.broadcast("broadcastTo", a.shape, newShape);
        if (!Arrays.equals(s, newShape)) {
            throw new IllegalArgumentException("broadcastTo: shape " + Shape.str(a.shape) + " cannot be broadcast to "
                    + Shape.str(newShape));
        }
        if (Arrays.equals(a.shape, newShape)) return a;
        float[] out = new float[Shape.size(s)];
        broadcastInto(a.data, a.shape, out, s);
        // The engine sums the gradient back over the broadcast dimensions.
        return Autograd.record("broadcast_to", () -> "each input value was copied along the broadcast axes: its gradient is "
                + "the sum over those copies",
                new Tensor(out, s.clone()), (g, n) -> new Tensor[] {g}, a);
    }

    /** The values x of shape {@code from} copied along the broadcast axes into out, of shape {@code to} (x + 0). */
    static void broadcastInto(float[] x, int[] from, float[] out, int[] to) {
        Elementwise.binary(dev.nabla.kernels.BinaryOp.ADD, x, from, new float[] {0f}, new int[0], out, to);
    }

    static Tensor transpose(Tensor a, int axis1, int axis2) {
        int r = a.shape.length;
        int i = Shape.axis("transpose", axis1, r), j = Shape.axis("transpose", axis2, r);
        int[] order = new int[r];
        for (int k = 0; k < r; k++) order[k] = k;
        order[i] = j;
        order[j] = i;
        return permute(a, order);
    }

    static Tensor permute(Tensor a, int[] order) {
        int r = a.shape.length;
        if (order.length != r) throw new IllegalArgumentException("permute: order " + Arrays.toString(order)
                + " for shape " + Shape.str(a.shape));
        int[] ord = new int[r];
        boolean[] seen = new boolean[r];
        for (int k = 0; k < r; k++) {
            ord[k] = Shape.axis("permute", order[k], r);
            if (seen[ord[k]]) throw new IllegalArgumentException("permute: axis repeated in " + Arrays.toString(order));
            seen[ord[k]] = true;
        }
        int[] outShape = new int[r];
        for (int k = 0; k < r; k++) outShape[k] = a.shape[ord[k]];
        float[] out = permuteCopy(a.data, a.shape, ord, outShape);
        int[] inverse = new int[r];
        for (int k = 0; k < r; k++) inverse[ord[k]] = k;
        return Autograd.record("permute", () -> "the gradient is permuted back",
                new Tensor(out, outShape), (g, n) -> new Tensor[] {g.permute(inverse)}, a);
    }

    private static float[] permuteCopy(float[] src, int[] shape, int[] ord, int[] outShape) {
        int n = src.length;
        float[] out = new float[n];
        if (n == 0) return out;
        int r = shape.length;
        int[] srcStrides = Shape.strides(shape);
        if (r == 2 && ord[0] == 1) { // plain matrix transpose, in cache-friendly tiles
            int rows = shape[0], cols = shape[1];
            final int tile = 32;
            for (int i0 = 0; i0 < rows; i0 += tile) {
                for (int j0 = 0; j0 < cols; j0 += tile) {
                    int iMax = Math.min(rows, i0 + tile), jMax = Math.min(cols, j0 + tile);
                    for (int i = i0; i < iMax; i++) {
                        for (int j = j0; j < jMax; j++) out[j * rows + i] = src[i * cols + j];
                    }
                }
            }
            return out;
        }
        int[] step = new int[r];
        for (int k = 0; k < r; k++) step[k] = srcStrides[ord[k]];
        int[] idx = new int[r];
        int last = outShape[r - 1], lastStep = step[r - 1];
        int so = 0;
        for (int o = 0; o < n; o += last) {
            for (int i = 0; i < last; i++) out[o + i] = src[so + i * lastStep];
            for (int k = r - 2; k >= 0; k--) {
                idx[k]++;
                so += step[k];
                if (idx[k] < outShape[k]) break;
                so -= step[k] * outShape[k];
                idx[k] = 0;
            }
        }
        return out;
    }

    static Tensor concat(int axis, Tensor[] ts) {
        if (ts.length == 0) throw new IllegalArgumentException("concat: no tensors");
        int r = ts[0].shape.length;
        if (r == 0) throw new IllegalArgumentException("concat: rank-0 tensors cannot be joined; use stack");
        int ax = Shape.axis("concat", axis, r);
        int total = 0;
        for (Tensor t : ts) {
            boolean ok = t.shape.length == r;
            for (int d = 0; ok && d < r; d++) ok = d == ax || t.shape[d] == ts[0].shape[d];
            if (!ok) throw new IllegalArgumentException("concat: shapes " + Shape.str(ts[0].shape) + " and "
                    + Shape.str(t.shape) + " differ outside axis " + axis);
            total += t.shape[ax];
        }
        int[] outShape = ts[0].shape.clone();
        outShape[ax] = total;
        int outer = 1, inner = 1;
        for (int d = 0; d < ax; d++) outer *= outShape[d];
        for (int d = ax + 1; d < r; d++) inner *= outShape[d];
        float[] out = new float[Shape.size(outShape)];
        int[] sizes = new int[ts.length];
        int offset = 0;
        for (int k = 0; k < ts.length; k++) {
            int chunk = ts[k].shape[ax] * inner;
            sizes[k] = ts[k].shape[ax];
            for (int o = 0; o < outer; o++) {
                System.arraycopy(ts[k].data, o * chunk, out, o * total * inner + offset, chunk);
            }
            offset += chunk;
        }
        return Autograd.record("concat", () -> "the gradient is cut back into the parts that were joined, one per input",
                new Tensor(out, outShape), (g, n) -> {
            Tensor[] grads = new Tensor[ts.length];
            int start = 0;
            for (int k = 0; k < ts.length; k++) {
                if (n[k]) grads[k] = g.slice(ax, start, start + sizes[k], 1);
                start += sizes[k];
            }
            return grads;
        }, ts);
    }

    static Tensor stack(int axis, Tensor[] ts) {
        if (ts.length == 0) throw new IllegalArgumentException("stack: no tensors");
        int ax = Shape.axis("stack", axis, ts[0].shape.length + 1);
        Tensor[] expanded = new Tensor[ts.length];
        for (int k = 0; k < ts.length; k++) {
            if (!Arrays.equals(ts[k].shape, ts[0].shape)) throw new IllegalArgumentException("stack: shapes "
                    + Shape.str(ts[0].shape) + " and " + Shape.str(ts[k].shape) + " differ");
            expanded[k] = ts[k].unsqueeze(ax);
        }
        return concat(ax, expanded);
    }

    static List<Tensor> split(Tensor a, int axis, int[] sizes) {
        int ax = Shape.axis("split", axis, a.shape.length);
        int dim = a.shape[ax];
        int[] parts = sizes;
        if (sizes.length == 1 && sizes[0] != dim) { // equal chunks of the given size, the last one smaller
            if (sizes[0] <= 0) throw new IllegalArgumentException("split: chunk size " + sizes[0]);
            int count = (dim + sizes[0] - 1) / sizes[0];
            parts = new int[count];
            for (int k = 0; k < count; k++) parts[k] = Math.min(sizes[0], dim - k * sizes[0]);
        }
        int sum = 0;
        for (int s : parts) sum += s;
        if (sum != dim) throw new IllegalArgumentException("split: sizes " + Arrays.toString(sizes) + " do not add up to "
                + dim + " (axis " + axis + " of " + Shape.str(a.shape) + ")");
        List<Tensor> out = new ArrayList<>(parts.length);
        int start = 0;
        for (int s : parts) {
            out.add(slice(a, ax, start, start + s, 1));
            start += s;
        }
        return out;
    }

    static Tensor slice(Tensor a, int axis, int start, int stop, int step) {
        int ax = Shape.axis("slice", axis, a.shape.length);
        int dim = a.shape[ax];
        if (step <= 0) throw new IllegalArgumentException("slice: step must be positive, got " + step);
        int s = start < 0 ? Math.max(0, start + dim) : Math.min(start, dim);
        int e = stop < 0 ? Math.max(0, stop + dim) : Math.min(stop, dim);
        int count = e > s ? (e - s + step - 1) / step : 0;
        int outer = 1, inner = 1;
        for (int d = 0; d < ax; d++) outer *= a.shape[d];
        for (int d = ax + 1; d < a.shape.length; d++) inner *= a.shape[d];
        int[] outShape = a.shape.clone();
        outShape[ax] = count;
        float[] out = new float[Shape.size(outShape)];
        for (int o = 0; o < outer; o++) {
            for (int j = 0; j < count; j++) {
                System.arraycopy(a.data, (o * dim + s + j * step) * inner, out, (o * count + j) * inner, inner);
            }
        }
        final int from = s, n = count, fOuter = outer, fInner = inner;
        return Autograd.record("slice", () -> "the gradient goes back to the positions that were sliced out; the others get 0",
                new Tensor(out, outShape), (g, need) -> {
            float[] grad = RecycledArrays.takeZeroed(a.data.length); // the positions not sliced out keep these zeros
            for (int o = 0; o < fOuter; o++) {
                for (int j = 0; j < n; j++) {
                    System.arraycopy(g.data, (o * n + j) * fInner, grad, (o * dim + from + j * step) * fInner, fInner);
                }
            }
            return new Tensor[] {Tensor.ofRecyclable(grad, a.shape)};
        }, a);
    }

    static Tensor indexSelect(Tensor a, int axis, int[] indices) {
        int ax = Shape.axis("indexSelect", axis, a.shape.length);
        int dim = a.shape[ax];
        for (int i : indices) {
            if (i < 0 || i >= dim) throw new IllegalArgumentException("indexSelect: index " + i + " out of range [0, "
                    + dim + ") on axis " + axis + " of " + Shape.str(a.shape));
        }
        int[] idx = indices.clone();
        int outer = 1, inner = 1;
        for (int d = 0; d < ax; d++) outer *= a.shape[d];
        for (int d = ax + 1; d < a.shape.length; d++) inner *= a.shape[d];
        int[] outShape = a.shape.clone();
        outShape[ax] = idx.length;
        float[] out = new float[Shape.size(outShape)];
        for (int o = 0; o < outer; o++) {
            for (int j = 0; j < idx.length; j++) {
                System.arraycopy(a.data, (o * dim + idx[j]) * inner, out, (o * idx.length + j) * inner, inner);
            }
        }
        final int fOuter = outer, fInner = inner;
        return Autograd.record("index_select", () -> "each selected entry's gradient is added back at the index it was taken "
                + "from (repeats add up)",
                new Tensor(out, outShape), (g, need) -> {
            float[] grad = new float[a.data.length];
            for (int o = 0; o < fOuter; o++) {
                for (int j = 0; j < idx.length; j++) {
                    int src = (o * idx.length + j) * fInner, dst = (o * dim + idx[j]) * fInner;
                    for (int i = 0; i < fInner; i++) grad[dst + i] += g.data[src + i];
                }
            }
            return new Tensor[] {new Tensor(grad, a.shape)};
        }, a);
    }

    /**
     * For each position p of index, the flat offset into a tensor of shape {@code target} that has p's
     * coordinates, except along axis where it has index[p].
     */
    private static int[] scatterOffsets(String op, Tensor index, int ax, int[] target) {
        int r = target.length;
        if (index.shape.length != r) throw new IllegalArgumentException(op + ": index of shape " + Shape.str(index.shape)
                + " must have the rank of " + Shape.str(target));
        for (int d = 0; d < r; d++) {
            if (d != ax && index.shape[d] > target[d]) throw new IllegalArgumentException(op + ": index of shape "
                    + Shape.str(index.shape) + " is larger than " + Shape.str(target) + " outside axis " + ax);
        }
        int[] strides = Shape.strides(target);
        int[] offsets = new int[index.data.length];
        int[] coord = new int[r];
        for (int p = 0; p < offsets.length; p++) {
            float v = index.data[p];
            int k = (int) v;
            if (k != v || k < 0 || k >= target[ax]) throw new IllegalArgumentException(op + ": index value " + v
                    + " out of range [0, " + target[ax] + ") on axis " + ax);
            int off = 0;
            for (int d = 0; d < r; d++) off += (d == ax ? k : coord[d]) * strides[d];
            offsets[p] = off;
            for (int d = r - 1; d >= 0; d--) {
                if (++coord[d] < index.shape[d]) break;
                coord[d] = 0;
            }
        }
        return offsets;
    }

    static Tensor gather(Tensor a, int axis, Tensor index) {
        int ax = Shape.axis("gather", axis, a.shape.length);
        int[] offsets = scatterOffsets("gather", index, ax, a.shape);
        float[] out = new float[offsets.length];
        for (int p = 0; p < out.length; p++) out[p] = a.data[offsets[p]];
        return Autograd.record("gather", () -> "the gradient is added back at the gathered positions",
                new Tensor(out, index.shape.clone()), (g, need) -> {
            float[] grad = new float[a.data.length];
            for (int p = 0; p < offsets.length; p++) grad[offsets[p]] += g.data[p];
            return new Tensor[] {new Tensor(grad, a.shape), null};
        }, a, index);
    }

    static Tensor scatterAdd(Tensor a, int axis, Tensor index, Tensor src) {
        int ax = Shape.axis("scatterAdd", axis, a.shape.length);
        if (!Arrays.equals(index.shape, src.shape)) throw new IllegalArgumentException("scatterAdd: index shape "
                + Shape.str(index.shape) + " differs from source shape " + Shape.str(src.shape));
        int[] offsets = scatterOffsets("scatterAdd", index, ax, a.shape);
        float[] out = a.data.clone();
        for (int p = 0; p < offsets.length; p++) out[offsets[p]] += src.data[p];
        return Autograd.record("scatter_add", () -> "d/da = 1: the gradient passes to the destination unchanged; the source "
                + "gets the gradient at the positions it was added to",
                new Tensor(out, a.shape), (g, need) -> {
            Tensor gs = null;
            if (need[2]) {
                float[] d = new float[offsets.length];
                for (int p = 0; p < d.length; p++) d[p] = g.data[offsets[p]];
                gs = new Tensor(d, src.shape);
            }
            return new Tensor[] {g, null, gs};
        }, a, index, src);
    }

    static Tensor pad(Tensor a, int[] widths, float value) {
        int r = a.shape.length;
        if (widths.length != 2 * r) throw new IllegalArgumentException("pad: " + widths.length + " widths for shape "
                + Shape.str(a.shape) + "; give (before, after) for each of its " + r + " dimensions");
        int[] outShape = new int[r];
        for (int d = 0; d < r; d++) {
            if (widths[2 * d] < 0 || widths[2 * d + 1] < 0) throw new IllegalArgumentException("pad: negative width in "
                    + Arrays.toString(widths));
            outShape[d] = a.shape[d] + widths[2 * d] + widths[2 * d + 1];
        }
        float[] out = new float[Shape.size(outShape)];
        if (value != 0f) Arrays.fill(out, value);
        int[] offsets = interiorOffsets(a.shape, outShape, widths);
        int inner = r == 0 ? 1 : a.shape[r - 1];
        for (int row = 0; row < offsets.length; row++) System.arraycopy(a.data, row * inner, out, offsets[row], inner);
        return Autograd.record("pad", () -> "the gradient is cropped back to the input: the padding gets none",
                new Tensor(out, outShape), (g, need) -> {
            float[] grad = new float[a.data.length];
            for (int row = 0; row < offsets.length; row++) System.arraycopy(g.data, offsets[row], grad, row * inner, inner);
            return new Tensor[] {new Tensor(grad, a.shape)};
        }, a);
    }

    /** Flat offset in the padded array of the start of each innermost row of the original. */
    private static int[] interiorOffsets(int[] shape, int[] outShape, int[] widths) {
        int r = shape.length;
        if (r == 0) return new int[] {0};
        int rows = Shape.size(shape) / Math.max(1, shape[r - 1]);
        if (shape[r - 1] == 0) rows = 0;
        int[] outStrides = Shape.strides(outShape);
        int[] offsets = new int[rows];
        int[] coord = new int[r - 1];
        for (int row = 0; row < rows; row++) {
            int off = widths[2 * (r - 1)];
            for (int d = 0; d < r - 1; d++) off += (coord[d] + widths[2 * d]) * outStrides[d];
            offsets[row] = off;
            for (int d = r - 2; d >= 0; d--) {
                if (++coord[d] < shape[d]) break;
                coord[d] = 0;
            }
        }
        return offsets;
    }
}
