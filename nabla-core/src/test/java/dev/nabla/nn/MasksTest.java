package dev.nabla.nn;

import dev.nabla.tensor.Tensor;
import dev.nabla.train.Functional;
import dev.nabla.train.Model;
import dev.nabla.train.Sequential;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MasksTest {

    /** Marks steps whose first feature is 0 as padding. */
    static class ZeroIsPadding extends Layer implements Masks.Source {
        ZeroIsPadding() {
            super(null);
        }

        @Override
        protected Tensor forward(Tensor x) {
            return x;
        }

        @Override
        public Tensor computeMask(Tensor x) {
            int b = x.dim(0), t = x.dim(1), d = x.dim(2);
            float[] m = new float[b * t];
            for (int i = 0; i < b * t; i++) m[i] = x.data()[i * d] == 0 ? 0 : 1;
            return Tensor.of(m, b, t);
        }
    }

    /** Sums the real steps, [b, t, d] -> [b, d], and records the masks it was given. */
    static final class MaskedSum extends Layer implements Masks.Consumer {
        final List<Tensor> seen = new ArrayList<>();

        MaskedSum() {
            super(null);
        }

        @Override
        protected Tensor forward(Tensor x) {
            seen.add(null);
            return x.sum(1);
        }

        @Override
        public Tensor applyMasked(Tensor[] inputs, Tensor[] masks) {
            seen.add(masks[0]);
            Tensor x = inputs[0];
            return x.mul(masks[0].reshape(x.dim(0), x.dim(1), 1)).sum(1);
        }

        @Override
        public Tensor outputMask(Tensor[] masks) {
            return null;
        }
    }

    private static Tensor last(List<Tensor> seen) {
        return seen.get(seen.size() - 1);
    }

    private static Tensor steps() {
        // two sequences of three steps, two features; the second sequence has one padded step at the end
        return Tensor.of(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 0, 100}, 2, 3, 2);
    }

    @Test
    void aMaskGoesFromItsSourceThroughStepwiseLayersToTheConsumer() {
        MaskedSum sum = new MaskedSum();
        Sequential model = Sequential.of(new ZeroIsPadding(), new Dropout(null, 0.0), new ActivationLayer(null, Activation.LINEAR), sum);
        Tensor y = model.apply(steps());
        assertArrayEquals(new float[] {9, 12, 16, 18}, y.data(), 0f);
        assertArrayEquals(new float[] {1, 1, 1, 1, 1, 0}, last(sum.seen).data(), 0f);
    }

    @Test
    void aLayerThatIsNotStepwiseDropsTheMask() {
        MaskedSum sum = new MaskedSum();
        Sequential model = Sequential.of(new ZeroIsPadding(), new Permute(null, new int[] {1, 2}), sum);
        model.apply(steps());
        assertNull(last(sum.seen));
    }

    @Test
    void aFunctionalGraphCarriesTheMaskOfEachValueAndMergesCombineThem() {
        SymbolicTensor in = Input.of("steps", 3, 2);
        SymbolicTensor masked = new ZeroIsPadding().call(in);
        SymbolicTensor added = new Add(null).call(masked, in); // in has no mask: the sum carries masked's
        MaskedSum sum = new MaskedSum();
        Functional model = Model.of(in, sum.call(added));
        Tensor y = model.apply(steps());
        assertArrayEquals(new float[] {18, 24, 32, 36}, y.data(), 0f);
        assertArrayEquals(new float[] {1, 1, 1, 1, 1, 0}, last(sum.seen).data(), 0f);
    }

    @Test
    void aMaskOfTheWrongShapeIsRefusedNamingTheLayer() {
        Layer wrong = new ZeroIsPadding() {
            @Override
            public Tensor computeMask(Tensor x) {
                return Tensor.ones(x.dim(0), x.dim(1) + 1);
            }
        };
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Sequential.of(wrong).apply(steps()));
        assertTrue(e.getMessage().contains(wrong.name()) && e.getMessage().contains(", 3]") && e.getMessage().contains(", 4]"), e.getMessage());
    }
}
