package dev.nabla.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** {@link ColumnSums} a vector of columns at a time, each lane summing its column in row order; loaded only with the module. */
final class VectorColumnSums implements ColumnSums.Impl {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    @Override
    public void addInto(float[] m, int off, int rows, int cols, float[] out, int outOff) {
        int j = 0;
        for (int end = cols - S.length(); j <= end; j += S.length()) {
            FloatVector s = FloatVector.fromArray(S, out, outOff + j);
            for (int i = 0; i < rows; i++) s = s.add(FloatVector.fromArray(S, m, off + i * cols + j));
            s.intoArray(out, outOff + j);
        }
        ColumnSums.Scalar.addInto(m, off, rows, cols, out, outOff, j);
    }

    @Override
    public void addProductsInto(float[] a, float[] b, int rows, int cols, float[] out) {
        int j = 0;
        for (int end = cols - S.length(); j <= end; j += S.length()) {
            FloatVector s = FloatVector.fromArray(S, out, j);
            for (int i = 0; i < rows; i++) {
                s = s.add(FloatVector.fromArray(S, a, i * cols + j).mul(FloatVector.fromArray(S, b, i * cols + j)));
            }
            s.intoArray(out, j);
        }
        ColumnSums.Scalar.addProductsInto(a, b, rows, cols, out, j);
    }
}
