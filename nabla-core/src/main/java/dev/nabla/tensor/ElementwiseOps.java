package dev.nabla.tensor;

import dev.nabla.autograd.Autograd;
import dev.nabla.autograd.StepArrays;
import dev.nabla.kernels.BinaryOp;
import dev.nabla.kernels.Elementwise;
import dev.nabla.kernels.Gelu;
import dev.nabla.kernels.RecycledArrays;
import dev.nabla.kernels.UnaryOp;

import java.util.Arrays;

/** Forward and backward rules of the elementwise ops, each with its rule in words. Backward rules return gradients
 * in the output's shape; the autograd engine sums them back over broadcast dimensions. */
final class ElementwiseOps {
    private ElementwiseOps() {}

    /** An op's parameter as its rule text shows it: 2 rather than 2.0. */
    static String number(float v) {
        return v == Math.rint(v) && Math.abs(v) < 1e7f ? Long.toString((long) v) : Float.toString(v);
    }

    static Tensor binaryForward(BinaryOp op, Tensor a, Tensor b) {
        int[] shape = Shape.broadcast(op.opName(), a.shape, b.shape);
        float[] out = StepArrays.forOutput(Shape.size(shape), a, b); // every element written
        Elementwise.binary(op, a.data, a.shape, b.data, b.shape, out, shape);
        return new Tensor(out, shape == a.shape ? a.shape : shape);
    }

    static Tensor binary(BinaryOp op, Tensor a, Tensor b) {
        Tensor out = binaryForward(op, a, b);
        switch (op) {
            case ADD:
                return Autograd.record("add", () -> "d(a+b)/da = 1 and d(a+b)/db = 1: the gradient passes through unchanged "
                        + "(summed over broadcast axes)",
                        out, (g, n) -> new Tensor[] {g, g}, a, b);
            case SUB:
                return Autograd.record("sub", () -> "d(a-b)/da = 1 and d(a-b)/db = -1",
                        out, (g, n) -> new Tensor[] {g, n[1] ? g.neg() : null}, a, b);
            case MUL:
                return Autograd.record("mul", () -> "d(a*b)/da = b and d(a*b)/db = a: each input receives the gradient times "
                        + "the other input",
                        out, (g, n) -> new Tensor[] {
                        n[0] ? g.mul(b) : null, n[1] ? g.mul(a) : null}, a, b);
            case DIV:
                return Autograd.record("div", () -> "d(a/b)/da = 1/b and d(a/b)/db = -a/b^2", out, (g, n) -> new Tensor[] {
                        n[0] ? g.div(b) : null, n[1] ? g.mul(out).div(b).neg() : null}, a, b);
            case POW:
                return Autograd.record("pow", () -> "d(a^b)/da = b a^(b-1) and d(a^b)/db = a^b ln a",
                        out, (g, n) -> new Tensor[] {
                        n[0] ? g.mul(b).mul(a.pow(b.sub(1f))) : null,
                        n[1] ? g.mul(out).mul(a.log()) : null}, a, b);
            case MAX:
            case MIN: {
                String name = op == BinaryOp.MAX ? "maximum" : "minimum";
                // The winner takes the gradient; ties share it equally.
                String rule = op == BinaryOp.MAX
                        ? "d max(a,b)/da = 1 where a > b, 0 where b > a, 1/2 at a tie; b gets the rest"
                        : "d min(a,b)/da = 1 where a < b, 0 where b < a, 1/2 at a tie; b gets the rest";
                return Autograd.record(name, () -> rule, out, (g, n) -> {
                    Tensor aWins = op == BinaryOp.MAX ? a.gt(b) : a.lt(b);
                    Tensor tie = a.eq(b).mul(0.5f);
                    Tensor shareA = aWins.add(tie);
                    return new Tensor[] {n[0] ? g.mul(shareA) : null, n[1] ? g.mul(shareA.neg().add(1f)) : null};
                }, a, b);
            }
            default:
                throw new IllegalArgumentException(op + " is a comparison; use compare");
        }
    }

    static Tensor compare(BinaryOp op, Tensor a, Tensor b) {
        return binaryForward(op, a, b); // masks carry no gradient
    }

    /** s * a + t in one pass. */
    static Tensor scalarAffine(Tensor a, float s, float t) {
        float[] x = a.data, y = new float[x.length];
        if (t == 0f) {
            for (int i = 0; i < x.length; i++) y[i] = x[i] * s;
        } else if (s == 1f) {
            for (int i = 0; i < x.length; i++) y[i] = x[i] + t;
        } else {
            for (int i = 0; i < x.length; i++) y[i] = x[i] * s + t;
        }
        Tensor out = new Tensor(y, a.shape);
        String name = t == 0f ? "mul_scalar" : "add_scalar";
        return Autograd.record(name, () -> t == 0f ? "d(s*x)/dx = s = " + number(s)
                : s == 1f ? "d(x + t)/dx = 1" : "d(s*x + t)/dx = s = " + number(s), out,
                (g, n) -> new Tensor[] {s == 1f ? g : g.mul(s)}, a);
    }

    static Tensor powScalar(Tensor a, float e) {
        float[] x = a.data, y = new float[x.length];
        if (e == 2f) {
            for (int i = 0; i < x.length; i++) y[i] = x[i] * x[i];
        } else {
            for (int i = 0; i < x.length; i++) y[i] = (float) Math.pow(x[i], e);
        }
        Tensor out = new Tensor(y, a.shape);
        return Autograd.record("pow_scalar", () -> "d(x^p)/dx = p x^(p-1), with p = " + number(e), out, (g, n) -> new Tensor[] {
                e == 2f ? g.mul(a).mul(2f) : g.mul(a.pow(e - 1f)).mul(e)}, a);
    }

    static Tensor where(Tensor mask, Tensor a, Tensor b) {
        int[] shape = Shape.broadcast("where", Shape.broadcast("where", mask.shape, a.shape), b.shape);
        Tensor m = mask.shape.length == shape.length && Arrays.equals(mask.shape, shape) ? mask : mask.detach().broadcastTo(shape);
        Tensor ab = Arrays.equals(a.shape, shape) ? a.detach() : a.detach().broadcastTo(shape);
        Tensor bb = Arrays.equals(b.shape, shape) ? b.detach() : b.detach().broadcastTo(shape);
        float[] out = new float[Shape.size(shape)];
        for (int i = 0; i < out.length; i++) out[i] = m.data[i] != 0f ? ab.data[i] : bb.data[i];
        Tensor mDetached = mask.detach();
        return Autograd.record("where", () -> "the gradient goes to whichever input was chosen at each position; the mask gets none",
                new Tensor(out, shape), (g, n) -> {
            Tensor keep = mDetached.ne(Tensor.scalar(0f));
            return new Tensor[] {null, n[1] ? g.mul(keep) : null, n[2] ? g.mul(keep.neg().add(1f)) : null};
        }, mask, a, b);
    }

    static Tensor unary(UnaryOp op, Tensor a) {
        if (op == UnaryOp.GELU) return gelu(a);
        float[] y = StepArrays.forOutput(a.data.length, a); // every element written
        op.apply(a.data, y);
        Tensor out = new Tensor(y, a.shape);
        String name = op.opName();
        switch (op) {
            case NEG: return Autograd.record(name, () -> "d(-x)/dx = -1", out, (g, n) -> new Tensor[] {g.neg()}, a);
            case EXP: return Autograd.record(name, () -> "d(e^x)/dx = e^x, the output itself",
                    out, (g, n) -> new Tensor[] {g.mul(out)}, a);
            case LOG: return Autograd.record(name, () -> "d(ln x)/dx = 1/x", out, (g, n) -> new Tensor[] {g.div(a)}, a);
            case SQRT: return Autograd.record(name, () -> "d(sqrt x)/dx = 1/(2 sqrt x)",
                    out, (g, n) -> new Tensor[] {g.div(out).mul(0.5f)}, a);
            case ABS: return Autograd.record(name, () -> "d|x|/dx = sign(x) (0 at 0)",
                    out, (g, n) -> new Tensor[] {g.mul(a.sign())}, a);
            case SIGN: return Autograd.record(name, () -> "d sign(x)/dx = 0: sign is flat wherever it is defined, so no gradient passes",
                    out, (g, n) -> new Tensor[] {Tensor.zeros(a.shape)}, a);
            case SQUARE: return Autograd.record(name, () -> "d(x^2)/dx = 2x",
                    out, (g, n) -> new Tensor[] {g.mul(a).mul(2f)}, a);
            case RECIPROCAL: return Autograd.record(name, () -> "d(1/x)/dx = -1/x^2",
                    out, (g, n) -> new Tensor[] {g.mul(out).mul(out).neg()}, a);
            case RELU: return Autograd.record(name, () -> "d relu(x)/dx = 1 where x > 0, else 0: the gradient passes only "
                    + "where the input was positive (or NaN, as in PyTorch)",
                    out, (g, n) -> new Tensor[] {reluBackward(g, out)}, a);
            case SIGMOID: return Autograd.record(name, () -> "d sigmoid(x)/dx = s(1-s) with s the output",
                    out, (g, n) -> new Tensor[] {sigmoidBackward(g, out)}, a);
            case TANH: return Autograd.record(name, () -> "d tanh(x)/dx = 1 - t^2 with t the output",
                    out, (g, n) -> new Tensor[] {tanhBackward(g, out)}, a);
            case SOFTPLUS: return Autograd.record(name, () -> "d softplus(x)/dx = sigmoid(x)",
                    out, (g, n) -> new Tensor[] {g.mul(a.sigmoid())}, a);
            case GELU_TANH: return Autograd.record(name, () -> "for y = x/2 (1 + tanh u), u = sqrt(2/pi) (x + 0.044715 x^3): "
                    + "dy/dx = (1 + tanh u)/2 + x/2 (1 - tanh^2 u) du/dx",
                    out, (g, n) -> new Tensor[] {geluTanhBackward(g, a)}, a);
            default: throw new AssertionError(op);
        }
    }

    /** The ReLU's gradient from its output (see {@link Elementwise#reluGradientFromOutput}). */
    private static Tensor reluBackward(Tensor g, Tensor out) {
        float[] r = new float[out.data.length];
        Elementwise.reluGradientFromOutput(out.data, 0, g.data, 0, r, 0, r.length);
        return new Tensor(r, out.shape);
    }

    private static Tensor sigmoidBackward(Tensor g, Tensor out) {
        float[] gd = g.data, y = out.data, r = new float[y.length];
        for (int i = 0; i < r.length; i++) r[i] = gd[i] * y[i] * (1f - y[i]);
        return new Tensor(r, out.shape);
    }

    private static Tensor tanhBackward(Tensor g, Tensor out) {
        float[] gd = g.data, y = out.data, r = new float[y.length];
        for (int i = 0; i < r.length; i++) r[i] = gd[i] * (1f - y[i] * y[i]);
        return new Tensor(r, out.shape);
    }

    /** Exact GELU; recorded, it keeps Phi(x) for its backward pass. */
    private static Tensor gelu(Tensor a) {
        int n = a.data.length;
        float[] y = StepArrays.forOutput(n, a); // every element written
        float[] cdf = Autograd.records(a) ? StepArrays.forOutput(n, a) : null;
        Gelu.forward(a.data, y, cdf);
        Tensor out = new Tensor(y, a.shape);
        return Autograd.record(UnaryOp.GELU.opName(), () -> "d/dx x Phi(x) = Phi(x) + x phi(x), Phi and phi the normal CDF and density",
                out, (g, need) -> {
                    float[] r = RecycledArrays.take(n);
                    Gelu.backward(a.data, cdf, g.data, r);
                    return new Tensor[] {Tensor.ofRecyclable(r, a.shape)};
                }, a);
    }

    private static Tensor geluTanhBackward(Tensor g, Tensor a) {
        float[] gd = g.data, x = a.data, r = new float[x.length];
        double c = Math.sqrt(2 / Math.PI);
        for (int i = 0; i < r.length; i++) {
            double xi = x[i];
            double u = c * (xi + 0.044715 * xi * xi * xi);
            double t = Math.tanh(u);
            double du = c * (1 + 3 * 0.044715 * xi * xi);
            r[i] = (float) (gd[i] * (0.5 * (1 + t) + 0.5 * xi * (1 - t * t) * du));
        }
        return new Tensor(r, a.shape);
    }

    static Tensor leakyRelu(Tensor a, float slope) {
        float[] x = a.data, y = new float[x.length];
        for (int i = 0; i < x.length; i++) y[i] = x[i] > 0 ? x[i] : slope * x[i];
        return Autograd.record("leaky_relu", () -> "d/dx = 1 where x > 0, else the slope " + number(slope),
                new Tensor(y, a.shape), (g, n) -> {
            float[] gd = g.data, r = new float[x.length];
            for (int i = 0; i < r.length; i++) r[i] = x[i] > 0 ? gd[i] : slope * gd[i];
            return new Tensor[] {new Tensor(r, a.shape)};
        }, a);
    }

    static Tensor elu(Tensor a, float alpha) {
        float[] x = a.data, y = new float[x.length];
        for (int i = 0; i < x.length; i++) y[i] = x[i] > 0 ? x[i] : (float) (alpha * Math.expm1(x[i]));
        return Autograd.record("elu", () -> "d elu(x)/dx = 1 where x > 0, else " + number(alpha) + " e^x (the output plus "
                + number(alpha) + ")", new Tensor(y, a.shape), (g, n) -> {
            float[] gd = g.data, r = new float[x.length];
            for (int i = 0; i < r.length; i++) r[i] = x[i] <= 0 ? gd[i] * (y[i] + alpha) : gd[i]; // NaN passes g, as PyTorch's
            return new Tensor[] {new Tensor(r, a.shape)};
        }, a);
    }

    static Tensor clamp(Tensor a, float min, float max) {
        if (min > max) throw new IllegalArgumentException("clamp: min " + min + " > max " + max);
        float[] x = a.data, y = new float[x.length];
        for (int i = 0; i < x.length; i++) y[i] = Math.min(max, Math.max(min, x[i]));
        return Autograd.record("clamp", () -> "d/dx = 1 inside [" + number(min) + ", " + number(max) + "], 0 where clamped",
                new Tensor(y, a.shape), (g, n) -> {
            float[] gd = g.data, r = new float[x.length];
            for (int i = 0; i < r.length; i++) r[i] = x[i] >= min && x[i] <= max ? gd[i] : 0f;
            return new Tensor[] {new Tensor(r, a.shape)};
        }, a);
    }

    /** Softmax or log-softmax along an axis, stable (the maximum is subtracted first). */
    static Tensor softmax(Tensor a, int axis, boolean log) {
        int ax = Shape.axis(log ? "logSoftmax" : "softmax", axis, a.shape.length);
        int r = a.shape[ax], inner = 1, outer = 1;
        for (int i = ax + 1; i < a.shape.length; i++) inner *= a.shape[i];
        for (int i = 0; i < ax; i++) outer *= a.shape[i];
        float[] x = a.data, y = new float[x.length];
        double[] e = new double[r]; // a line's exponentials, computed once for both its sum and its outputs
        for (int o = 0; o < outer; o++) {
            for (int in = 0; in < inner; in++) {
                int base = o * r * inner + in;
                float m = Float.NEGATIVE_INFINITY;
                for (int j = 0; j < r; j++) m = Math.max(m, x[base + j * inner]);
                double s = 0;
                for (int j = 0; j < r; j++) {
                    e[j] = Math.exp(x[base + j * inner] - m);
                    s += e[j];
                }
                if (log) {
                    float lse = (float) (m + Math.log(s));
                    for (int j = 0; j < r; j++) y[base + j * inner] = x[base + j * inner] - lse;
                } else {
                    double inv = 1 / s;
                    for (int j = 0; j < r; j++) y[base + j * inner] = (float) (e[j] * inv);
                }
            }
        }
        Tensor out = new Tensor(y, a.shape);
        final int fOuter = outer, fInner = inner;
        return Autograd.record(log ? "log_softmax" : "softmax", () -> log
                ? "d log_softmax: g_in = g - softmax(x) * sum(g) along the axis"
                : "d softmax: g_in = s * (g - sum(g * s)) along the axis, s the output", out, (g, n) -> {
            float[] gd = g.data, res = new float[y.length];
            for (int o = 0; o < fOuter; o++) {
                for (int in = 0; in < fInner; in++) {
                    int base = o * r * fInner + in;
                    double s = 0;
                    if (log) {
                        // d/dx_j = g_j - softmax_j * sum_k g_k
                        for (int j = 0; j < r; j++) s += gd[base + j * fInner];
                        for (int j = 0; j < r; j++) {
                            int k = base + j * fInner;
                            res[k] = (float) (gd[k] - Math.exp(y[k]) * s);
                        }
                    } else {
                        // d/dx_j = y_j (g_j - sum_k g_k y_k)
                        for (int j = 0; j < r; j++) s += gd[base + j * fInner] * y[base + j * fInner];
                        for (int j = 0; j < r; j++) {
                            int k = base + j * fInner;
                            res[k] = (float) (y[k] * (gd[k] - s));
                        }
                    }
                }
            }
            return new Tensor[] {new Tensor(res, a.shape)};
        }, a);
    }
}
