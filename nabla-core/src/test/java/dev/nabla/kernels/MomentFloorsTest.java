package dev.nabla.kernels;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The floor under optimizers' running averages: what is below it becomes 0, the rest (NaN too) is left, vector as scalar. */
class MomentFloorsTest {

    @Test
    void valuesBelowTheFloorBecomeZeroAndTheVectorPassGivesTheScalarOnesBits() {
        assertThat(MomentFloors.IMPL).isNotInstanceOf(MomentFloors.Scalar.class); // the tests run with the incubator module
        float[] pick = {0f, -0f, Float.MIN_VALUE, -Float.MIN_NORMAL / 2, 0x1p-101f, -0x1p-100f, 0x1p-99f, 1e-3f, -2f, Float.NaN};
        Random r = new Random(6);
        for (int n = 1; n <= 70; n++) {
            float[] a = new float[n + 3];
            for (int i = 0; i < a.length; i++) a[i] = pick[r.nextInt(pick.length)];
            float[] vector = a.clone(), scalar = a.clone();
            MomentFloors.zeroBelow(vector, 1, n + 1, MomentFloors.GRADIENT);
            new MomentFloors.Scalar().zeroBelow(scalar, 1, n + 1, MomentFloors.GRADIENT);
            for (int i = 0; i < a.length; i++) {
                boolean inside = i >= 1 && i <= n, below = Math.abs(a[i]) < MomentFloors.GRADIENT;
                float expected = inside && below ? 0f : a[i];
                assertThat(Float.floatToRawIntBits(vector[i])).as("n=%d at %d: %s", n, i, a[i]).isEqualTo(Float.floatToRawIntBits(expected));
                assertThat(Float.floatToRawIntBits(scalar[i])).as("n=%d at %d: %s", n, i, a[i]).isEqualTo(Float.floatToRawIntBits(expected));
            }
        }
    }
}
