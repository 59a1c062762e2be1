package dev.nabla.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** {@link LstmCell} on the Vector API (gate functions from {@link VectorMath}); loaded only when the module is present. */
final class VectorLstmCell implements LstmCell.Impl {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    @Override
    public void forward(float[] gates, int z, float[] bias, int h, float[] cs, int prev, int next, float[] tc, int at, float[] hs) {
        int j = 0;
        for (int end = h - S.length(); j <= end; j += S.length()) {
            FloatVector i = VectorMath.sigmoid(load(gates, z + j).add(load(bias, j)));
            FloatVector f = VectorMath.sigmoid(load(gates, z + h + j).add(load(bias, h + j)));
            FloatVector g = VectorMath.tanh(load(gates, z + 2 * h + j).add(load(bias, 2 * h + j)));
            FloatVector o = VectorMath.sigmoid(load(gates, z + 3 * h + j).add(load(bias, 3 * h + j)));
            FloatVector c = f.mul(load(cs, prev + j)).add(i.mul(g)), t = VectorMath.tanh(c);
            i.intoArray(gates, z + j);
            f.intoArray(gates, z + h + j);
            g.intoArray(gates, z + 2 * h + j);
            o.intoArray(gates, z + 3 * h + j);
            c.intoArray(cs, next + j);
            t.intoArray(tc, at + j);
            o.mul(t).intoArray(hs, next + j);
        }
        LstmCell.Scalar.forward(gates, z, bias, h, cs, prev, next, tc, at, hs, j);
    }

    @Override
    public void backward(float[] gates, int z, int h, float[] tc, int at, float[] cs, int prev, float[] dh, float[] dc, int q) {
        int j = 0;
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (int end = h - S.length(); j <= end; j += S.length()) {
            FloatVector i = load(gates, z + j), f = load(gates, z + h + j), g = load(gates, z + 2 * h + j), o = load(gates, z + 3 * h + j);
            FloatVector t = load(tc, at + j), dhj = load(dh, q + j);
            FloatVector dcj = dhj.mul(o).mul(one.sub(t.mul(t))).add(load(dc, q + j));
            dcj.mul(g).mul(i).mul(one.sub(i)).intoArray(gates, z + j);
            dcj.mul(load(cs, prev + j)).mul(f).mul(one.sub(f)).intoArray(gates, z + h + j);
            dcj.mul(i).mul(one.sub(g.mul(g))).intoArray(gates, z + 2 * h + j);
            dhj.mul(t).mul(o).mul(one.sub(o)).intoArray(gates, z + 3 * h + j);
            dcj.mul(f).intoArray(dc, q + j);
            FloatVector.zero(S).intoArray(dh, q + j);
        }
        LstmCell.Scalar.backward(gates, z, h, tc, at, cs, prev, dh, dc, q, j);
    }

    private static FloatVector load(float[] a, int offset) {
        return FloatVector.fromArray(S, a, offset);
    }
}
