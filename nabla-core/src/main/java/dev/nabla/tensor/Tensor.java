package dev.nabla.tensor;

import dev.nabla.autograd.Autograd;
import dev.nabla.autograd.Node;
import dev.nabla.kernels.BinaryOp;
import dev.nabla.kernels.Reduce;
import dev.nabla.kernels.UnaryOp;

import java.util.Arrays;
import java.util.List;

/**
 * An n-dimensional array of float32 values in row-major order, with reverse-mode automatic differentiation.
 *
 * <pre>{@code
 * Tensor w = Tensor.vector(-3, -1, 2).requiresGrad(true);
 * Tensor x = Tensor.vector(1, -2, 3);
 * Tensor y = w.mul(x).sum().add(1f).relu();   // 6.0
 * y.backward();                                // w.grad() = [1, -2, 3]
 * }</pre>
 *
 * Every op returns a new tensor and broadcasts like NumPy. Storage is always contiguous; {@link #reshape} and
 * {@link #detach} share the storage of their source, every other op copies. Bad shapes raise
 * {@link IllegalArgumentException} naming the op and the shapes involved.
 */
public final class Tensor {
    final float[] data;
    final int[] shape;
    private boolean requiresGrad;
    private boolean retainGrad;
    private Tensor grad;
    /** zeroGrad() was called and grad's buffer not written since: its contents count as zeros. */
    private boolean gradZeroed;
    private Node node;
    /** data is a gradient in an array from RecycledArrays, which the engine gives back once it has no use for it. */
    private boolean recyclable;

    Tensor(float[] data, int[] shape) {
        this.data = data;
        this.shape = shape;
    }

    // ---------------------------------------------------------------- creation

    /**
     * As {@link #of}, for a gradient an op's backward rule computed into an array from
     * {@link dev.nabla.kernels.RecycledArrays#take}: the engine gives the array back once its backward pass has no
     * more use for it (the rule that reads it has run, and no pending gradient shares it), so that the next step's
     * gradients are computed into memory that is already in the cache instead of newly zeroed memory (W7's
     * backward pass allocated 7.5 GB a run). For the engine's and the built-in ops' use: a rule may read the
     * gradient it is given only during its call (see {@link dev.nabla.autograd.Node.Backward#apply}).
     */
    public static Tensor ofRecyclable(float[] data, int... shape) {
        Tensor t = of(data, shape);
        t.recyclable = true;
        return t;
    }

    /** Whether {@link #data} is a recycled gradient array ({@link #ofRecyclable}). */
    public boolean isRecyclable() {
        return recyclable;
    }

    /** Wraps a flat row-major array (not copied) with the given shape; no shape means 1-D. */
    public static Tensor of(float[] data, int... shape) {
        int[] s = shape.length == 0 ? new int[] {data.length} : shape.clone();
        if (Shape.size(s) != data.length) {
            throw new IllegalArgumentException("of: " + data.length + " values do not fill shape " + Shape.str(s));
        }
        return new Tensor(data, s);
    }

    /** A 1-D tensor of the given values. */
    public static Tensor vector(float... values) {
        return new Tensor(values.clone(), new int[] {values.length});
    }

    public static Tensor of(float[][] rows) {
        int n = rows.length, m = n == 0 ? 0 : rows[0].length;
        float[] d = new float[n * m];
        for (int i = 0; i < n; i++) {
            if (rows[i].length != m) throw new IllegalArgumentException("of: ragged array, row " + i + " has "
                    + rows[i].length + " values, row 0 has " + m);
            System.arraycopy(rows[i], 0, d, i * m, m);
        }
        return new Tensor(d, new int[] {n, m});
    }

    public static Tensor of(float[][][] a) {
        int n = a.length;
        if (n == 0) return zeros(0, 0, 0);
        Tensor first = of(a[0]);
        float[] d = new float[n * first.data.length];
        for (int i = 0; i < n; i++) {
            Tensor t = of(a[i]);
            if (!Arrays.equals(t.shape, first.shape)) throw new IllegalArgumentException("of: ragged array at index " + i);
            System.arraycopy(t.data, 0, d, i * t.data.length, t.data.length);
        }
        return new Tensor(d, new int[] {n, first.shape[0], first.shape[1]});
    }

    public static Tensor of(float[][][][] a) {
        int n = a.length;
        if (n == 0) return zeros(0, 0, 0, 0);
        Tensor first = of(a[0]);
        float[] d = new float[n * first.data.length];
        for (int i = 0; i < n; i++) {
            Tensor t = of(a[i]);
            if (!Arrays.equals(t.shape, first.shape)) throw new IllegalArgumentException("of: ragged array at index " + i);
            System.arraycopy(t.data, 0, d, i * t.data.length, t.data.length);
        }
        return new Tensor(d, new int[] {n, first.shape[0], first.shape[1], first.shape[2]});
    }

    /** A rank-0 tensor holding one value. */
    public static Tensor scalar(float value) {
        return new Tensor(new float[] {value}, new int[0]);
    }

    public static Tensor zeros(int... shape) {
        return new Tensor(new float[Shape.size(shape)], shape.clone());
    }

    public static Tensor ones(int... shape) {
        return full(shape, 1f);
    }

    public static Tensor full(int[] shape, float value) {
        float[] d = new float[Shape.size(shape)];
        if (value != 0f) Arrays.fill(d, value);
        return new Tensor(d, shape.clone());
    }

    public static Tensor zerosLike(Tensor t) {
        return zeros(t.shape);
    }

    public static Tensor onesLike(Tensor t) {
        return ones(t.shape);
    }

    /** Values start, start+step, ... below stop (above it for a negative step). */
    public static Tensor arange(float start, float stop, float step) {
        if (step == 0 || Float.isNaN(step)) throw new IllegalArgumentException("arange: step must be non-zero, got " + step);
        int n = (int) Math.max(0, Math.ceil((stop - start) / (double) step));
        float[] d = new float[n];
        for (int i = 0; i < n; i++) d[i] = (float) (start + (double) i * step);
        return new Tensor(d, new int[] {n});
    }

    public static Tensor arange(int n) {
        return arange(0, n, 1);
    }

    /** n evenly spaced values from start to stop inclusive. */
    public static Tensor linspace(float start, float stop, int n) {
        if (n < 0) throw new IllegalArgumentException("linspace: negative count " + n);
        float[] d = new float[n];
        for (int i = 0; i < n; i++) d[i] = n == 1 ? start : (float) (start + (stop - (double) start) * i / (n - 1));
        return new Tensor(d, new int[] {n});
    }

    /** The n x n identity matrix. */
    public static Tensor eye(int n) {
        float[] d = new float[n * n];
        for (int i = 0; i < n; i++) d[i * n + i] = 1f;
        return new Tensor(d, new int[] {n, n});
    }

    /** Uniform in [low, high), drawn from the given generator. */
    public static Tensor uniform(Rng rng, float low, float high, int... shape) {
        float[] d = new float[Shape.size(shape)];
        double span = (double) high - low;
        for (int i = 0; i < d.length; i++) d[i] = (float) (low + span * rng.nextDouble());
        return new Tensor(d, shape.clone());
    }

    public static Tensor rand(Rng rng, int... shape) {
        return uniform(rng, 0f, 1f, shape);
    }

    /** Normal with the given mean and standard deviation, drawn from the given generator. */
    public static Tensor normal(Rng rng, float mean, float std, int... shape) {
        float[] d = new float[Shape.size(shape)];
        for (int i = 0; i < d.length; i++) d[i] = (float) (mean + std * rng.nextGaussian());
        return new Tensor(d, shape.clone());
    }

    public static Tensor randn(Rng rng, int... shape) {
        return normal(rng, 0f, 1f, shape);
    }

    /** Integers uniform in [low, high), stored as floats. */
    public static Tensor randint(Rng rng, int low, int high, int... shape) {
        if (high <= low) throw new IllegalArgumentException("randint: empty range [" + low + ", " + high + ")");
        float[] d = new float[Shape.size(shape)];
        for (int i = 0; i < d.length; i++) d[i] = low + rng.nextInt(high - low);
        return new Tensor(d, shape.clone());
    }

    // ---------------------------------------------------------------- access

    public int[] shape() {
        return shape.clone();
    }

    /** Size of one dimension; negative counts from the end. */
    public int dim(int axis) {
        return shape[Shape.axis("dim", axis, shape.length)];
    }

    public int rank() {
        return shape.length;
    }

    public int size() {
        return data.length;
    }

    /**
     * The live row-major backing array. Writing to it changes this tensor (and every reshape or detach sharing it);
     * it is here for kernels, optimizers and I/O that must not copy.
     */
    public float[] data() {
        return data;
    }

    /** A copy of the values, row-major. */
    public float[] toFloatArray() {
        return data.clone();
    }

    /** The single value of a one-element tensor. */
    public float item() {
        if (data.length != 1) throw new IllegalArgumentException("item: tensor of shape " + Shape.str(shape) + " has "
                + data.length + " values, not one");
        return data[0];
    }

    /** The value at the given index (one per dimension; negative counts from the end). */
    public float get(int... index) {
        return data[flatIndex("get", index)];
    }

    /** Sets one value; for building tensors, not for tensors in a recorded graph. */
    public Tensor set(float value, int... index) {
        checkInPlace("set");
        data[flatIndex("set", index)] = value;
        return this;
    }

    private int flatIndex(String op, int[] index) {
        if (index.length != shape.length) throw new IllegalArgumentException(op + ": " + index.length
                + " indices for a tensor of shape " + Shape.str(shape));
        int flat = 0;
        for (int i = 0; i < index.length; i++) {
            int k = index[i] < 0 ? index[i] + shape[i] : index[i];
            if (k < 0 || k >= shape[i]) throw new IllegalArgumentException(op + ": index " + Arrays.toString(index)
                    + " out of bounds for shape " + Shape.str(shape));
            flat = flat * shape[i] + k;
        }
        return flat;
    }

    public Tensor copy() {
        return new Tensor(data.clone(), shape);
    }

    // ---------------------------------------------------------------- autograd

    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** Marks a leaf tensor as one whose gradient backward should compute. */
    public Tensor requiresGrad(boolean value) {
        if (node != null && !value) {
            throw new IllegalStateException("requiresGrad(false) on a tensor produced by '" + node.op()
                    + "': use detach() to cut it from the graph");
        }
        requiresGrad = value;
        return this;
    }

    /** The gradient accumulated by backward, or null if none yet. */
    public Tensor grad() {
        if (gradZeroed) {
            Arrays.fill(grad.data, 0f);
            gradZeroed = false;
        }
        return grad;
    }

    public void setGrad(Tensor g) {
        if (g != null && !Arrays.equals(g.shape, shape)) {
            throw new IllegalArgumentException("setGrad: gradient shape " + Shape.str(g.shape) + " differs from tensor shape "
                    + Shape.str(shape));
        }
        grad = g;
        gradZeroed = false;
    }

    /**
     * Sets the accumulated gradient to zero, reusing its buffer. The zeros are written when the gradient is next read;
     * a backward pass that writes all of it first ({@link #claimZeroedGrad}) never writes them.
     */
    public void zeroGrad() {
        if (grad != null) gradZeroed = true;
    }

    /**
     * For the autograd engine, about to write the whole of this tensor's gradient buffer: whether the buffer stands
     * for zeros since {@link #zeroGrad}, so that it is to be written over rather than added into. Call it before
     * {@link #grad()} (which writes those zeros); the caller must then write every element.
     */
    public boolean claimZeroedGrad() {
        boolean zeroed = gradZeroed;
        gradZeroed = false;
        return zeroed;
    }

    /** The op that produced this tensor, or null for a leaf. */
    public Node node() {
        return node;
    }

    public boolean isLeaf() {
        return node == null;
    }

    /** Also keep this intermediate tensor's gradient in {@link #grad()} during backward (leaves always keep theirs). */
    public Tensor retainGrad() {
        retainGrad = true;
        return this;
    }

    public boolean isRetainingGrad() {
        return retainGrad;
    }

    /** For the autograd engine: attaches the node that produced this tensor. */
    public void attach(Node producer) {
        if (node != null) throw new IllegalStateException("tensor already produced by '" + node.op() + "'");
        node = producer;
        requiresGrad = true;
    }

    /** The same values, cut from the graph (shares storage). */
    public Tensor detach() {
        return new Tensor(data, shape);
    }

    /** Backpropagates from this scalar: accumulates d(this)/d(leaf) into every leaf's {@link #grad()}; frees the graph. */
    public void backward() {
        Autograd.backward(this, null, false);
    }

    /** Backpropagates from this scalar, keeping the graph for another backward if {@code retainGraph}. */
    public void backward(boolean retainGraph) {
        Autograd.backward(this, null, retainGraph);
    }

    /** Backpropagates a seed gradient of this tensor's shape (for non-scalar outputs). */
    public void backward(Tensor seed) {
        Autograd.backward(this, seed, false);
    }

    // ---------------------------------------------------------------- elementwise

    public Tensor add(Tensor o) { return ElementwiseOps.binary(BinaryOp.ADD, this, o); }
    public Tensor sub(Tensor o) { return ElementwiseOps.binary(BinaryOp.SUB, this, o); }
    public Tensor mul(Tensor o) { return ElementwiseOps.binary(BinaryOp.MUL, this, o); }
    public Tensor div(Tensor o) { return ElementwiseOps.binary(BinaryOp.DIV, this, o); }
    /** this ^ exponent, elementwise, with broadcasting. */
    public Tensor pow(Tensor exponent) { return ElementwiseOps.binary(BinaryOp.POW, this, exponent); }
    public Tensor maximum(Tensor o) { return ElementwiseOps.binary(BinaryOp.MAX, this, o); }
    public Tensor minimum(Tensor o) { return ElementwiseOps.binary(BinaryOp.MIN, this, o); }

    public Tensor add(float s) { return ElementwiseOps.scalarAffine(this, 1f, s); }
    public Tensor sub(float s) { return ElementwiseOps.scalarAffine(this, 1f, -s); }
    public Tensor mul(float s) { return ElementwiseOps.scalarAffine(this, s, 0f); }
    public Tensor div(float s) { return ElementwiseOps.scalarAffine(this, 1f / s, 0f); }
    public Tensor pow(float exponent) { return ElementwiseOps.powScalar(this, exponent); }

    /** 1 where this &gt; o, else 0 (no gradient). */
    public Tensor gt(Tensor o) { return ElementwiseOps.compare(BinaryOp.GT, this, o); }
    public Tensor ge(Tensor o) { return ElementwiseOps.compare(BinaryOp.GE, this, o); }
    public Tensor lt(Tensor o) { return ElementwiseOps.compare(BinaryOp.LT, this, o); }
    public Tensor le(Tensor o) { return ElementwiseOps.compare(BinaryOp.LE, this, o); }
    public Tensor eq(Tensor o) { return ElementwiseOps.compare(BinaryOp.EQ, this, o); }
    public Tensor ne(Tensor o) { return ElementwiseOps.compare(BinaryOp.NE, this, o); }
    public Tensor gt(float s) { return gt(scalar(s)); }
    public Tensor ge(float s) { return ge(scalar(s)); }
    public Tensor lt(float s) { return lt(scalar(s)); }
    public Tensor le(float s) { return le(scalar(s)); }
    public Tensor eq(float s) { return eq(scalar(s)); }

    /** Elementwise choice: where the mask is non-zero take from a, elsewhere from b (all three broadcast). */
    public static Tensor where(Tensor mask, Tensor a, Tensor b) { return ElementwiseOps.where(mask, a, b); }

    public Tensor neg() { return ElementwiseOps.unary(UnaryOp.NEG, this); }
    public Tensor exp() { return ElementwiseOps.unary(UnaryOp.EXP, this); }
    public Tensor log() { return ElementwiseOps.unary(UnaryOp.LOG, this); }
    public Tensor sqrt() { return ElementwiseOps.unary(UnaryOp.SQRT, this); }
    public Tensor abs() { return ElementwiseOps.unary(UnaryOp.ABS, this); }
    /** -1, 0 or 1; its gradient is zero. */
    public Tensor sign() { return ElementwiseOps.unary(UnaryOp.SIGN, this); }
    public Tensor square() { return ElementwiseOps.unary(UnaryOp.SQUARE, this); }
    public Tensor reciprocal() { return ElementwiseOps.unary(UnaryOp.RECIPROCAL, this); }
    public Tensor relu() { return ElementwiseOps.unary(UnaryOp.RELU, this); }
    public Tensor sigmoid() { return ElementwiseOps.unary(UnaryOp.SIGMOID, this); }
    public Tensor tanh() { return ElementwiseOps.unary(UnaryOp.TANH, this); }
    /** log(1 + e^x), computed without overflow. */
    public Tensor softplus() { return ElementwiseOps.unary(UnaryOp.SOFTPLUS, this); }
    /** GELU, exact (erf) or with the tanh approximation. */
    public Tensor gelu(boolean tanhApproximation) {
        return ElementwiseOps.unary(tanhApproximation ? UnaryOp.GELU_TANH : UnaryOp.GELU, this);
    }
    /** x for x &gt; 0, slope * x otherwise. */
    public Tensor leakyRelu(double slope) { return ElementwiseOps.leakyRelu(this, (float) slope); }
    /** x for x &gt; 0, alpha * (e^x - 1) otherwise. */
    public Tensor elu(double alpha) { return ElementwiseOps.elu(this, (float) alpha); }
    /** Limits values to [min, max]; the gradient passes where the value was inside. */
    public Tensor clamp(float min, float max) { return ElementwiseOps.clamp(this, min, max); }
    /** Softmax along an axis, computed stably. */
    public Tensor softmax(int axis) { return ElementwiseOps.softmax(this, axis, false); }
    /** log(softmax) along an axis, computed stably. */
    public Tensor logSoftmax(int axis) { return ElementwiseOps.softmax(this, axis, true); }

    // ---------------------------------------------------------------- reductions (no axes = all axes)

    public Tensor sum(int... axes) { return ReductionOps.sum(this, axes, false); }
    public Tensor sum(int[] axes, boolean keepDims) { return ReductionOps.sum(this, axes, keepDims); }
    public Tensor mean(int... axes) { return ReductionOps.mean(this, axes, false); }
    public Tensor mean(int[] axes, boolean keepDims) { return ReductionOps.mean(this, axes, keepDims); }
    public Tensor max(int... axes) { return ReductionOps.extreme(Reduce.Kind.MAX, this, axes, false); }
    public Tensor max(int[] axes, boolean keepDims) { return ReductionOps.extreme(Reduce.Kind.MAX, this, axes, keepDims); }
    public Tensor min(int... axes) { return ReductionOps.extreme(Reduce.Kind.MIN, this, axes, false); }
    public Tensor min(int[] axes, boolean keepDims) { return ReductionOps.extreme(Reduce.Kind.MIN, this, axes, keepDims); }
    /** Variance with the given correction (0: population, 1: sample / Bessel). */
    public Tensor var(int[] axes, int correction, boolean keepDims) { return ReductionOps.var(this, axes, correction, keepDims); }
    /** Population variance (correction 0) over the given axes. */
    public Tensor var(int... axes) { return ReductionOps.var(this, axes, 0, false); }
    public Tensor std(int[] axes, int correction, boolean keepDims) { return ReductionOps.var(this, axes, correction, keepDims).sqrt(); }
    public Tensor std(int... axes) { return var(axes).sqrt(); }
    /** log(sum(exp(x))) over the axes, computed stably. */
    public Tensor logsumexp(int[] axes, boolean keepDims) { return ReductionOps.logsumexp(this, axes, keepDims); }
    public Tensor logsumexp(int... axes) { return ReductionOps.logsumexp(this, axes, false); }
    /** Index of the first maximum along an axis, as float values (no gradient). */
    public Tensor argmax(int axis) { return ReductionOps.argExtreme(true, this, axis, false); }
    public Tensor argmax(int axis, boolean keepDims) { return ReductionOps.argExtreme(true, this, axis, keepDims); }
    public Tensor argmin(int axis) { return ReductionOps.argExtreme(false, this, axis, false); }
    public Tensor argmin(int axis, boolean keepDims) { return ReductionOps.argExtreme(false, this, axis, keepDims); }
    /** Sums this gradient-like tensor down to a shape it was broadcast from. */
    public Tensor sumTo(int... targetShape) { return ReductionOps.sumTo(this, targetShape); }

    // ---------------------------------------------------------------- linear algebra

    /** Matrix product; batched over leading dimensions, which broadcast. 1-D operands are treated as in NumPy. */
    public Tensor matmul(Tensor o) { return LinalgOps.matmul(this, false, o, false); }
    /** op(this) @ op(o), where op transposes the last two dimensions when asked, without copying. */
    public Tensor matmul(Tensor o, boolean transposeThis, boolean transposeOther) {
        return LinalgOps.matmul(this, transposeThis, o, transposeOther);
    }
    /** Swaps two axes. */
    public Tensor transpose(int axis1, int axis2) { return MovementOps.transpose(this, axis1, axis2); }
    /** Transpose of a matrix (swaps the last two axes). */
    public Tensor t() { return MovementOps.transpose(this, -2, -1); }
    public Tensor permute(int... order) { return MovementOps.permute(this, order); }

    // ---------------------------------------------------------------- movement

    /** Same values, new shape; one dimension may be -1 (inferred). Shares storage. */
    public Tensor reshape(int... newShape) { return MovementOps.reshape(this, newShape); }
    public Tensor flatten() { return MovementOps.reshape(this, new int[] {size()}); }
    /** Merges dimensions startAxis..endAxis (inclusive) into one. */
    public Tensor flatten(int startAxis, int endAxis) { return MovementOps.flatten(this, startAxis, endAxis); }
    /** Removes all dimensions of size 1, or only the given ones. */
    public Tensor squeeze(int... axes) { return MovementOps.squeeze(this, axes); }
    public Tensor unsqueeze(int axis) { return MovementOps.unsqueeze(this, axis); }
    /** Broadcasts to a larger shape (copies). */
    public Tensor broadcastTo(int... newShape) { return MovementOps.broadcastTo(this, newShape); }
    public Tensor expand(int... newShape) { return MovementOps.broadcastTo(this, newShape); }
    public static Tensor concat(int axis, Tensor... tensors) { return MovementOps.concat(axis, tensors); }
    public static Tensor concat(int axis, List<Tensor> tensors) { return MovementOps.concat(axis, tensors.toArray(new Tensor[0])); }
    public static Tensor stack(int axis, Tensor... tensors) { return MovementOps.stack(axis, tensors); }
    public static Tensor stack(int axis, List<Tensor> tensors) { return MovementOps.stack(axis, tensors.toArray(new Tensor[0])); }
    /** Splits along an axis into pieces of the given sizes. */
    public List<Tensor> split(int axis, int... sizes) { return MovementOps.split(this, axis, sizes); }
    /** Elements start, start+step, ... below stop along an axis (negative start/stop count from the end). */
    public Tensor slice(int axis, int start, int stop, int step) { return MovementOps.slice(this, axis, start, stop, step); }
    public Tensor slice(int axis, int start, int stop) { return MovementOps.slice(this, axis, start, stop, 1); }
    /** The entries at the given positions along an axis. */
    public Tensor indexSelect(int axis, int... indices) { return MovementOps.indexSelect(this, axis, indices); }
    /** out[i][j] = this[index[i][j]][j] for axis 0 (and likewise for other axes); index holds integer values. */
    public Tensor gather(int axis, Tensor index) { return MovementOps.gather(this, axis, index); }
    /** A copy of this with src added at the positions index names along an axis (the reverse of gather). */
    public Tensor scatterAdd(int axis, Tensor index, Tensor src) { return MovementOps.scatterAdd(this, axis, index, src); }
    /** Pads with a constant: widths holds (before, after) per dimension, from the first dimension on. */
    public Tensor pad(int[] widths, float value) { return MovementOps.pad(this, widths, value); }

    // ---------------------------------------------------------------- in place (for optimizers, under no-grad)

    private void checkInPlace(String op) {
        if (Autograd.isGradEnabled() && (requiresGrad || node != null)) {
            throw new IllegalStateException(op + ": in-place change of a tensor of shape " + Shape.str(shape)
                    + " that requires grad; do it inside Autograd.noGrad()");
        }
    }

    private void checkSameShape(String op, Tensor o) {
        if (!Arrays.equals(o.shape, shape)) {
            throw new IllegalArgumentException(op + ": shapes " + Shape.str(shape) + " and " + Shape.str(o.shape) + " differ");
        }
    }

    /** this += o (same shape). */
    public Tensor addInPlace(Tensor o) {
        checkInPlace("addInPlace");
        checkSameShape("addInPlace", o);
        float[] a = data, b = o.data;
        for (int i = 0; i < a.length; i++) a[i] += b[i];
        return this;
    }

    /** this += alpha * o (same shape). */
    public Tensor addScaledInPlace(float alpha, Tensor o) {
        checkInPlace("addScaledInPlace");
        checkSameShape("addScaledInPlace", o);
        float[] a = data, b = o.data;
        for (int i = 0; i < a.length; i++) a[i] += alpha * b[i];
        return this;
    }

    public Tensor mulInPlace(float s) {
        checkInPlace("mulInPlace");
        for (int i = 0; i < data.length; i++) data[i] *= s;
        return this;
    }

    public Tensor fill(float value) {
        checkInPlace("fill");
        Arrays.fill(data, value);
        return this;
    }

    /** Copies o's values into this (same shape). */
    public Tensor copyFrom(Tensor o) {
        checkInPlace("copyFrom");
        checkSameShape("copyFrom", o);
        System.arraycopy(o.data, 0, data, 0, data.length);
        return this;
    }

    // ---------------------------------------------------------------- comparison and printing

    /** True if shapes are equal and |a - b| &lt;= atol + rtol * |b| everywhere (NaN equals NaN). */
    public boolean allClose(Tensor other, double rtol, double atol) {
        if (!Arrays.equals(shape, other.shape)) return false;
        for (int i = 0; i < data.length; i++) {
            float a = data[i], b = other.data[i];
            if (Float.isNaN(a) || Float.isNaN(b)) {
                if (Float.isNaN(a) != Float.isNaN(b)) return false;
                continue;
            }
            if (a == b) continue;
            if (!(Math.abs((double) a - b) <= atol + rtol * Math.abs((double) b))) return false;
        }
        return true;
    }

    public boolean allClose(Tensor other) {
        return allClose(other, 1e-5, 1e-6);
    }

    /** Prints like NumPy: nested brackets, elided with "..." when large. */
    @Override
    public String toString() {
        return TensorFormat.format(this);
    }
}
