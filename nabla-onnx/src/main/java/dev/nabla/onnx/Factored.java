package dev.nabla.onnx;

import dev.nabla.nn.SymbolicTensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A value inside an attention subgraph, kept as what it is made of instead of as a Nabla tensor: exporters split
 * the projected features into heads and move the batch axis (time-major, batch * heads), which no Nabla layer
 * does. Each axis is a row-major list of atoms: the batch ({@code b}, symbolic), a source's time ({@code t}) or
 * features ({@code f}), or digits of a feature index ({@code n} of a projection, {@code o} of the attention's
 * output, {@code d} of the output projection): atom {@code (n, size, stride)} is the digit {@code (i / stride) % size}
 * of the feature index i. Transpose, Reshape, Squeeze, Unsqueeze and Gather of one index then only rearrange atoms
 * (or fix a digit: {@code offset}), which is checked exactly, so the attention found at the end is the graph's
 * computation and not a guess. {@code scale} is a scalar factor on the values (scaled queries or keys).
 */
record Factored(Object content, List<List<Atom>> axes, int offset, float scale) {

    /** One factor of an axis; the batch has size {@link #BATCH_SIZE}. */
    record Atom(String label, int size, int stride) {
        @Override
        public String toString() {
            return label.equals("b") ? "batch" : label + size;
        }
    }

    static final int BATCH_SIZE = -1;

    /** A batch-first tensor itself: {@code x} [batch, t..., f]. */
    record Source(SymbolicTensor x) {}

    /** {@code x} divided by its L2 norm along ONNX axis {@code axis} (a normalising Dot's input), its axes as x's. */
    record Normalized(SymbolicTensor x, int axis) {}

    /** {@code x @ kernel + bias} with kernel [in, out] row-major; bias may be null. */
    record Projection(SymbolicTensor x, float[] kernel, int in, int out, float[] bias, String name) {}

    /** Scores of queries and keys, each a projection with the digits {@code offset} fixed and its scale. */
    record Scores(Factored query, Factored key, int heads, int keyDim, boolean causal) {}

    /** Softmax over the keys of {@code scale} times the scores. */
    record Probabilities(Scores scores, float scale) {}

    /** Probabilities @ values: [.., heads, Tq, keyDim] in the digits {@code o}. */
    record Attended(Probabilities probabilities, Factored value) {}

    /** The output projection of attended values; bias may be null. */
    record Output(Attended attended, float[] kernel, int in, int out, float[] bias, String name) {}

    static Atom batch() {
        return new Atom("b", BATCH_SIZE, 1);
    }

    /** A batch-first tensor [batch, t..., f] with its axes in order. */
    static Factored of(SymbolicTensor x) {
        List<List<Atom>> axes = new ArrayList<>();
        axes.add(List.of(batch()));
        int[] s = x.shape();
        for (int i = 0; i < s.length; i++) axes.add(List.of(new Atom(i == s.length - 1 ? "f" : "t" + i, s[i], 1)));
        return new Factored(new Source(x), normal(axes), 0, 1f);
    }

    Factored with(Object newContent, List<List<Atom>> newAxes) {
        return new Factored(newContent, normal(newAxes), offset, scale);
    }

    Factored withAxes(List<List<Atom>> newAxes) {
        return with(content, newAxes);
    }

    Factored scaled(float by) {
        return new Factored(content, axes, offset, scale * by);
    }

    int rank() {
        return axes.size();
    }

    List<Atom> last() {
        return axes.get(axes.size() - 1);
    }

    /** The ONNX dims, k times the batch as {@code batch + k - 1} (see OnnxImporter's BATCH). */
    long[] dims(long batch) {
        long[] d = new long[axes.size()];
        for (int i = 0; i < d.length; i++) {
            long p = 1;
            boolean hasBatch = false;
            for (Atom a : axes.get(i)) {
                if (a.size() == BATCH_SIZE) hasBatch = true;
                else p *= a.size();
            }
            d[i] = hasBatch ? batch + p - 1 : p;
        }
        return d;
    }

    /** A readable layout, e.g. {@code [t5, batch, n24]}. */
    String layout() {
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < axes.size(); i++) {
            if (i > 0) s.append(", ");
            List<Atom> axis = axes.get(i);
            if (axis.isEmpty()) s.append('1');
            for (int k = 0; k < axis.size(); k++) s.append(k > 0 ? "*" : "").append(axis.get(k));
        }
        return s.append(']').toString();
    }

    Factored transpose(long[] perm) {
        if (perm.length != axes.size() || !Arrays.equals(Arrays.stream(perm).sorted().toArray(), java.util.stream.LongStream.range(0, perm.length).toArray())) {
            return null;
        }
        List<List<Atom>> out = new ArrayList<>();
        for (long p : perm) out.add(axes.get((int) p));
        return withAxes(out);
    }

    Factored unsqueeze(long[] at) {
        List<List<Atom>> out = new ArrayList<>(axes);
        int rank = axes.size() + at.length;
        long[] sorted = Arrays.stream(at).map(a -> a < 0 ? a + rank : a).sorted().toArray();
        for (long a : sorted) {
            if (a < 0 || a > out.size()) return null;
            out.add((int) a, List.of());
        }
        return withAxes(out);
    }

    /** Drops the given size-1 axes (all of them when null); null if one is not of size 1. */
    Factored squeeze(long[] at) {
        List<List<Atom>> out = new ArrayList<>();
        for (int i = 0; i < axes.size(); i++) {
            final int k = i;
            boolean drop = at == null ? axes.get(i).isEmpty() : Arrays.stream(at).anyMatch(a -> (a < 0 ? a + axes.size() : a) == k);
            if (drop && !axes.get(i).isEmpty()) return null;
            if (!drop) out.add(axes.get(i));
        }
        return withAxes(out);
    }

    /** Index {@code index} of an axis that is one digit of a feature index: fixes the digit. Null otherwise. */
    Factored gather(int axis, long index) {
        if (axis < 0 || axis >= axes.size()) return null;
        List<Atom> a = axes.get(axis);
        if (a.size() != 1 || !digit(a.get(0))) return null;
        Atom d = a.get(0);
        long i = index < 0 ? index + d.size() : index;
        if (i < 0 || i >= d.size()) return null;
        List<List<Atom>> out = new ArrayList<>(axes);
        out.remove(axis);
        return new Factored(content, normal(out), offset + (int) i * d.stride(), scale);
    }

    /**
     * Reshape to ONNX's {@code target} (0 copies the input's dimension, -1 is the rest, {@code batch} the batch):
     * the atoms regrouped in order, a digit split where a dimension needs part of it; null if the regrouping needs
     * to split the batch or a time axis.
     */
    Factored reshape(long[] target, long batch) {
        int n = target.length;
        boolean[] hasBatch = new boolean[n];
        long[] known = new long[n];
        int rest = -1;
        for (int i = 0; i < n; i++) {
            long t = target[i];
            if (t == 0) {
                if (i >= axes.size()) return null;
                for (Atom a : axes.get(i)) hasBatch[i] |= a.size() == BATCH_SIZE;
                known[i] = 1;
                for (Atom a : axes.get(i)) if (a.size() != BATCH_SIZE) known[i] *= a.size();
            } else if (t >= batch && t < batch + (1L << 40)) {
                hasBatch[i] = true;
                known[i] = t - batch + 1;
            } else if (t == -1) {
                if (rest >= 0) return null;
                rest = i;
            } else if (t > 0) {
                known[i] = t;
            } else {
                return null;
            }
        }
        long total = 1, given = 1;
        boolean batchGiven = false;
        for (List<Atom> axis : axes) for (Atom a : axis) if (a.size() != BATCH_SIZE) total *= a.size();
        for (int i = 0; i < n; i++) {
            if (i != rest) given *= known[i];
            batchGiven |= hasBatch[i];
        }
        if (rest >= 0) {
            if (total % given != 0) return null;
            known[rest] = total / given;
            hasBatch[rest] = !batchGiven;
        } else if (given != total || !batchGiven) {
            return null;
        }
        List<Atom> flat = new ArrayList<>();
        for (List<Atom> axis : axes) flat.addAll(axis);
        List<List<Atom>> out = new ArrayList<>();
        int next = 0;
        for (int i = 0; i < n; i++) {
            List<Atom> axis = new ArrayList<>();
            long need = known[i];
            boolean needBatch = hasBatch[i];
            while (need > 1 || needBatch) {
                if (next >= flat.size()) return null;
                Atom a = flat.get(next);
                if (a.size() == BATCH_SIZE) {
                    if (!needBatch) return null;
                    needBatch = false;
                    axis.add(a);
                    next++;
                } else if (need % a.size() == 0) {
                    axis.add(a);
                    need /= a.size();
                    next++;
                } else if (a.size() % need == 0 && digit(a)) {
                    int outer = (int) need, inner = a.size() / outer;
                    axis.add(new Atom(a.label(), outer, a.stride() * inner));
                    flat.set(next, new Atom(a.label(), inner, a.stride()));
                    need = 1;
                } else {
                    return null;
                }
            }
            out.add(axis);
        }
        if (next != flat.size()) return null;
        return withAxes(out);
    }

    static boolean digit(Atom a) {
        return a.label().equals("n") || a.label().equals("o") || a.label().equals("d");
    }

    /** Drops size-1 atoms and merges neighbouring digits of one index, so that equal layouts compare equal. */
    static List<List<Atom>> normal(List<List<Atom>> axes) {
        List<List<Atom>> out = new ArrayList<>();
        for (List<Atom> axis : axes) {
            List<Atom> merged = new ArrayList<>();
            for (Atom a : axis) {
                if (a.size() == 1) continue;
                Atom prev = merged.isEmpty() ? null : merged.get(merged.size() - 1);
                if (prev != null && digit(a) && prev.label().equals(a.label()) && prev.stride() == a.size() * a.stride()) {
                    merged.set(merged.size() - 1, new Atom(a.label(), prev.size() * a.size(), a.stride()));
                } else {
                    merged.add(a);
                }
            }
            out.add(List.copyOf(merged));
        }
        return List.copyOf(out);
    }
}
