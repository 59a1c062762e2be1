package dev.nabla.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link ColumnSums} a vector of columns at a time, each lane summing its column in row order; loaded only with the
 * module. The sums are kept in {@code out} from row to row, not in a vector carried around the row loop: where this
 * code was inlined into a large caller (W6's and W7's backward passes) C2 kept such a vector on the heap, an object
 * per row.
 */
final class VectorColumnSums implements ColumnSums.Impl {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final ColumnSums.Scalar TAIL = new ColumnSums.Scalar();

    @Override
    public void addInto(float[] m, int off, int rows, int cols, float[] out, int outOff, int from, int to) {
        int vectorEnd = from + (to - from) / S.length() * S.length();
        for (int i = 0; i < rows; i++) {
            int row = off + i * cols;
            for (int j = from; j < vectorEnd; j += S.length()) {
                FloatVector.fromArray(S, out, outOff + j).add(FloatVector.fromArray(S, m, row + j)).intoArray(out, outOff + j);
            }
        }
        TAIL.addInto(m, off, rows, cols, out, outOff, vectorEnd, to);
    }

    @Override
    public void addProductsInto(float[] a, float[] b, int off, int rows, int cols, float[] out, int outOff, int from, int to) {
        int vectorEnd = from + (to - from) / S.length() * S.length();
        for (int i = 0; i < rows; i++) {
            int row = off + i * cols;
            for (int j = from; j < vectorEnd; j += S.length()) {
                FloatVector.fromArray(S, out, outOff + j).add(FloatVector.fromArray(S, a, row + j).mul(FloatVector.fromArray(S, b, row + j))).intoArray(out, outOff + j);
            }
        }
        TAIL.addProductsInto(a, b, off, rows, cols, out, outOff, vectorEnd, to);
    }
}
