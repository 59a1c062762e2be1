package dev.nabla.examples;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The seed tutorials reproduced: each example's outcome, as the tutorial states it. */
class TutorialsTest {

    private static final float EPS = 1e-5f;

    @Test
    void singleNeuronMatchesTheTutorial() {
        SingleNeuron.Result r = SingleNeuron.run();
        assertThat(r.output()).isEqualTo(6f);
        assertThat(r.gradW().data()).containsExactly(1, -2, 3);
        assertThat(r.gradX().data()).containsExactly(-3, -1, 2);
        assertThat(r.gradB()).isEqualTo(1f);
        assertThat(r.outputAfterStep()).isCloseTo(5.985f, within(EPS));
    }

    @Test
    void layerStepMatchesTheTutorialsPrintedWeights() {
        LayerStep.Result r = LayerStep.run();
        float[][] expected = {
                {0.1985f, 0.5005f, -0.2615f},
                {0.7903f, -0.9147f, -0.2797f},
                {-0.5053f, 0.2537f, 0.1647f},
                {0.9963f, -0.5017f, 0.8663f}};
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 3; j++) assertThat(r.weights().get(i, j)).as("w[%d][%d]", i, j).isCloseTo(expected[i][j], within(EPS));
        }
        assertThat(r.biases().data()).containsExactly(new float[] {1.997f, 2.998f, 0.497f}, within(EPS));
    }

    @Test
    void xorIsLearnedForAFixedSeed() {
        Xor.Result r = Xor.run(1, 2500);
        float[] p = r.predictions().data();
        assertThat(p[0]).isLessThan(0.5f);
        assertThat(p[1]).isGreaterThan(0.5f);
        assertThat(p[2]).isGreaterThan(0.5f);
        assertThat(p[3]).isLessThan(0.5f);
        assertThat(r.costs()[2499]).isLessThan(r.costs()[0] / 5);
    }

    @Test
    void irisReachesNinetyPercentWithFitAndWithALoop() {
        for (IrisClassifier.Result r : new IrisClassifier.Result[] {IrisClassifier.withFit(42), IrisClassifier.withLoop(42)}) {
            double[] l = r.lossEvery100();
            for (int i = 1; i < l.length; i++) assertThat(l[i]).as("loss at epoch %d", i * 100).isLessThan(l[i - 1]);
            assertThat(r.testAccuracy()).isGreaterThanOrEqualTo(0.9);
        }
        // Both ways do the same arithmetic.
        assertThat(IrisClassifier.withFit(7).lossEvery100()).containsExactly(IrisClassifier.withLoop(7).lossEvery100(), within(1e-6));
    }

    @Test
    void salaryAndPlacementLossesFall() {
        SalaryAndPlacement.Result r = SalaryAndPlacement.run();
        assertThat(r.sgd().last("loss")).isLessThan(r.sgd().get("loss").get(0));
        assertThat(r.adam().last("loss")).isLessThan(r.adam().get("loss").get(0) / 2);
        assertThat(r.placement().last("loss")).isLessThan(r.placement().get("loss").get(0));
        assertThat(r.salaryWeights()).hasSize(4);
        assertThat(r.salaryWeights().get(0).shape()).containsExactly(2, 2);
    }

    @Test
    void spiralReachesNinetyPercentTrainingAccuracyWithAdam() {
        Spiral.Result r = Spiral.run(3, 2000);
        assertThat(r.lastLoss()).isLessThan(r.firstLoss());
        assertThat(r.trainAccuracy()).isGreaterThanOrEqualTo(0.9);
    }

    @Test
    void gradientDescentVariantsAllLearnAndThreeFourOneConverges() {
        GradientDescentVariants.Result r = GradientDescentVariants.run(7);
        assertThat(r.fullBatch().last("loss")).isLessThan(r.fullBatch().get("loss").get(0));
        assertThat(r.miniBatch().last("loss")).isLessThan(r.miniBatch().get("loss").get(0));
        assertThat(r.stochastic().last("loss")).isLessThan(r.stochastic().get("loss").get(0));
        double[] e = r.threeFourOneErrors();
        assertThat(e[e.length - 1]).isLessThan(1e-3);
    }
}
