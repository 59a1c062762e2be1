package dev.nabla.nn;

import dev.nabla.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Pads the height and width of NCHW images with zeros. The padding is one number for every side, two (vertical,
 * horizontal: top = bottom, left = right) or four (top, bottom, left, right). The padding gets no gradient.
 */
public class ZeroPadding2D extends Layer {

    private final int top, bottom, left, right;

    public ZeroPadding2D(int... padding) {
        this(null, padding);
    }

    public ZeroPadding2D(String name, int... padding) {
        super(name);
        int[] p;
        switch (padding.length) {
            case 1: p = new int[] {padding[0], padding[0], padding[0], padding[0]}; break;
            case 2: p = new int[] {padding[0], padding[0], padding[1], padding[1]}; break;
            case 4: p = padding.clone(); break;
            default: throw new IllegalArgumentException(name() + ": padding " + Arrays.toString(padding)
                    + " must be 1 value (all sides), 2 (vertical, horizontal) or 4 (top, bottom, left, right)");
        }
        for (int v : p) {
            if (v < 0) throw new IllegalArgumentException(name() + ": padding " + Arrays.toString(padding) + " has a negative width");
        }
        top = p[0];
        bottom = p[1];
        left = p[2];
        right = p[3];
    }

    @Override
    protected Tensor forward(Tensor x) {
        outputShape(x.shape());
        return x.pad(new int[] {0, 0, 0, 0, top, bottom, left, right}, 0f);
    }

    @Override
    public int[] outputShape(int[] inputShape) {
        if (inputShape.length != 4) throw shapeError("[batch, channels, height, width]", inputShape);
        return new int[] {inputShape[0], inputShape[1], inputShape[2] + top + bottom, inputShape[3] + left + right};
    }

    /** {top, bottom, left, right}. */
    public int[] padding() {
        return new int[] {top, bottom, left, right};
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = super.config();
        List<Integer> p = new ArrayList<>();
        for (int v : padding()) p.add(v);
        c.put("padding", p);
        return c;
    }
}
