package dev.nabla.tensor;

import java.util.Arrays;

/** Static helpers for shapes (int arrays, outermost dimension first). Shapes are never mutated once built. */
public final class Shape {
    private Shape() {}

    public static int size(int[] shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) throw new IllegalArgumentException("negative dimension in shape " + str(shape));
            n *= d;
        }
        if (n > Integer.MAX_VALUE) throw new IllegalArgumentException("shape " + str(shape) + " has more than 2^31 elements");
        return (int) n;
    }

    /** Row-major strides in elements. */
    public static int[] strides(int[] shape) {
        int[] s = new int[shape.length];
        int acc = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= shape[i];
        }
        return s;
    }

    public static String str(int[] shape) {
        return Arrays.toString(shape);
    }

    /** The multi-index of flat position {@code i} in {@code shape}, for errors: position 7 of [2, 4] is "[1, 3]". */
    public static String position(int i, int[] shape) {
        int[] index = new int[shape.length];
        for (int a = shape.length - 1; a >= 0; a--) {
            index[a] = i % shape[a];
            i /= shape[a];
        }
        return Arrays.toString(index);
    }

    /** NumPy broadcasting of two shapes, or an error naming the op and both shapes. */
    public static int[] broadcast(String op, int[] a, int[] b) {
        if (Arrays.equals(a, b)) return a;
        int n = Math.max(a.length, b.length);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            int da = i < n - a.length ? 1 : a[i - (n - a.length)];
            int db = i < n - b.length ? 1 : b[i - (n - b.length)];
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException(op + ": shapes " + str(a) + " and " + str(b)
                        + " cannot be broadcast (dimension " + i + ": " + da + " vs " + db + ")");
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /** Normalises a possibly negative axis for a tensor of the given rank. */
    public static int axis(String op, int axis, int rank) {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) {
            throw new IllegalArgumentException(op + ": axis " + axis + " out of range for rank " + rank);
        }
        return a;
    }

    /** Normalised, sorted, distinct axes; an empty argument means all axes. */
    public static int[] axes(String op, int[] axes, int rank) {
        if (axes == null || axes.length == 0) {
            int[] all = new int[rank];
            for (int i = 0; i < rank; i++) all[i] = i;
            return all;
        }
        boolean[] seen = new boolean[rank];
        for (int a : axes) {
            int n = axis(op, a, rank);
            if (seen[n]) throw new IllegalArgumentException(op + ": axis " + a + " given twice");
            seen[n] = true;
        }
        int[] out = new int[axes.length];
        int j = 0;
        for (int i = 0; i < rank; i++) if (seen[i]) out[j++] = i;
        return out;
    }

    static int[] withoutAxes(int[] shape, int[] sortedAxes, boolean keepDims) {
        boolean[] drop = new boolean[shape.length];
        for (int a : sortedAxes) drop[a] = true;
        int[] out = new int[keepDims ? shape.length : shape.length - sortedAxes.length];
        int j = 0;
        for (int i = 0; i < shape.length; i++) {
            if (!drop[i]) out[j++] = shape[i];
            else if (keepDims) out[j++] = 1;
        }
        return out;
    }
}
