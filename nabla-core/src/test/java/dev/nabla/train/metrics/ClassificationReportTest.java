package dev.nabla.train.metrics;

import dev.nabla.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The reports against scikit-learn 1.9: the numbers were computed once by
 * src/test/resources/sklearn/classification_report_reference.py (its output is the source of every constant here).
 */
class ClassificationReportTest {

    private static final float[] Y = {0, 1, 2, 2, 1, 2, 2, 0, 0, 0, 0, 2, 2, 0, 1, 2, 0, 2, 0, 1, 2, 0, 1, 0};
    private static final float[] P = {0.78f, 0.06f, 0.15f, 0.53f, 0.31f, 0.17f, 0.13f, 0.24f, 0.63f, 0.11f, 0.04f, 0.85f, 0.24f, 0.75f,
            0.02f, 0.09f, 0.15f, 0.77f, 0.09f, 0.25f, 0.67f, 0.37f, 0.54f, 0.08f, 0.59f, 0.33f, 0.08f, 0.65f, 0.18f, 0.17f, 0.21f, 0.17f,
            0.62f, 0.03f, 0.31f, 0.66f, 0.03f, 0.42f, 0.55f, 0.32f, 0.26f, 0.42f, 0.08f, 0.83f, 0.09f, 0.23f, 0.5f, 0.27f, 0.76f, 0.09f,
            0.16f, 0.07f, 0.12f, 0.81f, 0.76f, 0.22f, 0.02f, 0.05f, 0.94f, 0.01f, 0.04f, 0.05f, 0.91f, 0.86f, 0.07f, 0.07f, 0.04f, 0.93f,
            0.03f, 0.59f, 0.25f, 0.16f};

    private static void close(double expected, double actual, String what) {
        assertEquals(expected, actual, 1e-6, what);
    }

    @Test
    void threeClassesAgreeWithScikitLearn() {
        ClassificationReport r = ClassificationReport.of(Tensor.of(Y, 24), Tensor.of(P, 24, 3), List.of("0", "1", "2"));
        double[][] expected = {{0.875000, 0.700000, 0.777778, 10}, {0.666667, 0.800000, 0.727273, 5}, {0.800000, 0.888889, 0.842105, 9}};
        for (int c = 0; c < 3; c++) {
            ClassificationReport.ClassRow row = r.rows().get(c);
            close(expected[c][0], row.precision(), "precision " + c);
            close(expected[c][1], row.recall(), "recall " + c);
            close(expected[c][2], row.f1(), "f1 " + c);
            assertEquals((long) expected[c][3], row.support());
        }
        close(0.791667, r.accuracy(), "accuracy");
        close(0.782385, r.macroF1(), "macro f1");
        close(0.803472, (double) r.toMap().get("weighted_precision"), "weighted precision");
        close(0.791379, (double) r.toMap().get("weighted_f1"), "weighted f1");
        close(0.9648983570036203, r.rocAuc(), "one-vs-rest macro ROC-AUC");
        close(0.9410880888658667, r.prAuc(), "macro average precision");
        int[][] confusion = {{7, 1, 2}, {1, 4, 0}, {0, 1, 8}};
        for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) assertEquals(confusion[i][j], r.confusionMatrix().get(i, j), "confusion " + i + "," + j);
        assertTrue(r.toString().contains("weighted avg      0.80      0.79      0.79        24"), r.toString());
    }

    @Test
    void twoClassesFromTheProbabilityOfClassOneAgreeWithScikitLearnIncludingTiedScores() {
        float[] y = {0, 1, 1, 0, 1, 1, 0, 0, 0, 1, 0, 1, 1, 1, 1, 0};
        float[] p = {0.4f, 0.6f, 0.7f, 0.6f, 0.6f, 0.7f, 0.4f, 0.2f, 0.3f, 0.8f, 0.6f, 0.4f, 1.0f, 0.4f, 0.8f, 0.5f};
        ClassificationReport r = ClassificationReport.of(Tensor.of(y, 16), Tensor.of(p, 16), List.of("no", "yes"));
        close(0.714286, r.rows().get(0).f1(), "f1 no");
        close(0.777778, r.rows().get(1).precision(), "precision yes");
        close(0.75, r.accuracy(), "accuracy");
        close(0.8412698412698413, r.rocAuc(), "ROC-AUC");
        close(0.871252204585538, r.prAuc(), "average precision");
        // the same as two columns of probabilities
        float[] two = new float[32];
        for (int i = 0; i < 16; i++) {
            two[2 * i] = 1 - p[i];
            two[2 * i + 1] = p[i];
        }
        close(0.8412698412698413, ClassificationReport.of(Tensor.of(y, 16), Tensor.of(two, 16, 2), List.of("no", "yes")).rocAuc(), "two-column ROC-AUC");
    }

    @Test
    void regressionAgreesWithScikitLearn() {
        float[] t = {0.26f, -0.858f, 0.972f, 0.193f, 0.089f, -0.591f, -0.119f, -1.998f, -1.131f, 0.363f};
        float[] q = {-0.379f, -0.604f, 0.448f, 0.42f, -0.164f, -0.357f, -0.079f, -2.459f, -0.757f, 0.795f};
        RegressionReport r = RegressionReport.of(Tensor.of(t, 10), Tensor.of(q, 10));
        close(0.3438, r.mae(), "MAE");
        close(0.3818806096150995, r.rmse(), "RMSE");
        close(0.7844257983986054, r.r2(), "R^2");
    }

    @Test
    void aTargetThatIsNotAClassIndexIsRefusedNamingTheRow() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ClassificationReport.of(Tensor.of(new float[] {0, 3}, 2), Tensor.of(new float[] {1, 0, 0, 1}, 2, 2), List.of("a", "b")));
        assertTrue(e.getMessage().contains("target 1 is 3.0"), e.getMessage());
    }
}
