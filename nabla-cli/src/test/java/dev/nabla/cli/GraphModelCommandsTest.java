package dev.nabla.cli;

import dev.nabla.nn.Activation;
import dev.nabla.nn.Concatenate;
import dev.nabla.nn.Dense;
import dev.nabla.nn.Input;
import dev.nabla.nn.SymbolicTensor;
import dev.nabla.nn.losses.Losses;
import dev.nabla.optim.Optimizers;
import dev.nabla.train.Functional;
import dev.nabla.train.History;
import dev.nabla.train.Model;
import dev.nabla.train.ModelFile;
import dev.nabla.train.SavedModel;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.nabla.cli.CliTest.inProcess;
import static org.assertj.core.api.Assertions.assertThat;

/** The commands on functional models: one input and one output work as a Sequential; several are refused in one line, or handled. */
class GraphModelCommandsTest {

    @TempDir
    Path dir;
    Path csv;

    /** Regression data: features a..d and target y. */
    @BeforeEach
    void writeData() throws Exception {
        StringBuilder sb = new StringBuilder("a,b,c,d,y\n");
        java.util.Random r = new java.util.Random(3);
        for (int i = 0; i < 40; i++) {
            double a = r.nextGaussian(), b = r.nextGaussian(), c = r.nextGaussian(), d = r.nextGaussian();
            sb.append(String.format(java.util.Locale.ROOT, "%.4f,%.4f,%.4f,%.4f,%.4f%n", a, b, c, d, a - 2 * b + 0.5 * c));
        }
        csv = dir.resolve("data.csv");
        Files.writeString(csv, sb);
    }

    private static final Map<String, Object> PREPROCESSING = Map.of("task", "regression", "input", "flat", "target", "y",
            "feature_names", List.of("a", "b", "c", "d"));

    /** features (4) -> dense 8 tanh -> dense 1, compiled with one loss per output (here one). */
    private Path oneInputOneOutput() {
        SymbolicTensor x = Input.of("features", 4);
        SymbolicTensor y = Dense.of(1).call(Dense.of(8, Activation.TANH).call(x));
        Functional m = Model.of(x, y).seed(5);
        m.compile(Optimizers.adam(0.01f), Map.of(m.outputNames().get(0), Losses.mse()), Map.of(), Map.of());
        return save(m, "single.nabla");
    }

    /** image (3) and side (1) -> concatenate -> main (1) and aux (1), each with its own loss. */
    private Path twoInputsTwoOutputs() {
        SymbolicTensor image = Input.of("image", 3), side = Input.of("side", 1);
        SymbolicTensor h = new Concatenate().call(Dense.of(4, Activation.TANH).call(image), Dense.of(2, Activation.TANH).call(side));
        Functional m = Model.of(List.of(image, side), Map.of("main", Dense.of(1).call(h), "aux", Dense.of(1).call(h))).seed(5);
        m.compile(Optimizers.adam(0.01f), Map.of("main", Losses.mse(), "aux", Losses.mae()), Map.of("aux", 0.5), Map.of());
        return save(m, "graph.nabla");
    }

    /** One input, two outputs (main, aux), each with its own loss. */
    private Path oneInputTwoOutputs() {
        SymbolicTensor x = Input.of("features", 4);
        SymbolicTensor h = Dense.of(6, Activation.TANH).call(x);
        Functional m = Model.of(List.of(x), Map.of("main", Dense.of(1).call(h), "aux", Dense.of(1).call(h))).seed(5);
        m.compile(Optimizers.adam(0.01f), Map.of("main", Losses.mse(), "aux", Losses.mae()), Map.of("aux", 0.5), Map.of());
        return save(m, "heads.nabla");
    }

    /** Saves {@code m} with {@link #PREPROCESSING} as {@code name} in the test directory. */
    private Path save(Functional m, String name) {
        Path file = dir.resolve(name);
        ModelFile.save(file, new SavedModel(m, PREPROCESSING, new History(), Map.of()));
        return file;
    }

    private static void assertRefusedInOneLine(CliTest.Run r, String command) {
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(r.err()).contains("nabla: " + command + ": ", "graph.nabla has 2 inputs (image, side) and 2 outputs (aux, main)",
                "supports one input and one output").doesNotContain("saved without a loss", "Exception");
    }

    @Test
    void aOneInputOneOutputFunctionalModelPredictsEvaluatesAndSummarizesLikeASequential() {
        Path file = oneInputOneOutput();
        CliTest.Run predict = inProcess("predict", file.toString(), "--data", csv.toString());
        assertThat(predict.exit()).as(predict.err()).isZero();
        assertThat(predict.out().lines()).hasSize(41).first().isEqualTo("prediction");
        CliTest.Run evaluate = inProcess("evaluate", file.toString(), "--data", csv.toString());
        assertThat(evaluate.exit()).as(evaluate.err()).isZero();
        assertThat(evaluate.out()).contains("loss");
        CliTest.Run summary = inProcess("summary", file.toString());
        assertThat(summary.exit()).as(summary.err()).isZero();
        assertThat(summary.out()).contains("Loss: mean_squared_error");
    }

    @Test
    void aOneInputOneOutputFunctionalModelIsGradcheckedExplainedAndResumed() {
        Path file = oneInputOneOutput();
        CliTest.Run check = inProcess("gradcheck", file.toString(), "--data", csv.toString());
        assertThat(check.exit()).as(check.out() + check.err()).isZero();
        assertThat(check.out()).contains("loss mean_squared_error", "All gradients agree");
        CliTest.Run explain = inProcess("explain", file.toString(), "--input", "0.1,0.2,0.3,0.4", "--target", "1");
        assertThat(explain.exit()).as(explain.err()).isZero();
        assertThat(explain.out()).contains("loss mean_squared_error");
        CliTest.Run resume = inProcess("train", "--resume", file.toString(), "--data", csv.toString(), "--target", "y", "--epochs", "2",
                "--out", dir.resolve("run").toString());
        assertThat(resume.exit()).as(resume.err()).isZero();
        assertThat(dir.resolve("run").resolve("model.nabla")).exists();
    }

    @Test
    void summaryShowsAGraphModelsInputsOutputsAndEachOutputsLoss() {
        CliTest.Run r = inProcess("summary", twoInputsTwoOutputs().toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("Inputs: image [None, 3], side [None, 1]", "Outputs: aux, main", "Losses: aux mean_absolute_error (weight 0.5), main mean_squared_error (weight 1.0)");
    }

    @Test
    void evaluateRefusesAModelWithSeveralInputsAndOutputsInOneLine() {
        assertRefusedInOneLine(inProcess("evaluate", twoInputsTwoOutputs().toString(), "--data", csv.toString()), "evaluate");
    }

    @Test
    void predictRefusesAModelWithSeveralInputsAndOutputsInOneLine() {
        assertRefusedInOneLine(inProcess("predict", twoInputsTwoOutputs().toString(), "--data", csv.toString()), "predict");
    }

    @Test
    void gradcheckRefusesAModelWithSeveralInputsAndOutputsInOneLine() {
        assertRefusedInOneLine(inProcess("gradcheck", twoInputsTwoOutputs().toString(), "--data", csv.toString()), "gradcheck");
    }

    @Test
    void explainRefusesAModelWithSeveralInputsInOneLine() {
        assertRefusedInOneLine(inProcess("explain", twoInputsTwoOutputs().toString(), "--input", "1,2,3"), "explain");
    }

    @Test
    void trainResumeRefusesAModelWithSeveralInputsAndOutputsInOneLine() {
        assertRefusedInOneLine(inProcess("train", "--resume", twoInputsTwoOutputs().toString(), "--data", csv.toString(), "--target", "y",
                "--epochs", "2", "--out", dir.resolve("run").toString()), "train --resume");
        assertThat(dir.resolve("run")).doesNotExist();
    }

    @Test
    void explainWithoutATargetSumsEveryOutputOfAOneInputModel() {
        CliTest.Run r = inProcess("explain", oneInputTwoOutputs().toString(), "--input", "0.1,0.2,0.3,0.4");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("sum of the outputs");
    }

    @Test
    void explainWithATargetRefusesAModelWithTwoOutputs() {
        CliTest.Run r = inProcess("explain", oneInputTwoOutputs().toString(), "--input", "0.1,0.2,0.3,0.4", "--target", "1");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(r.err()).contains("nabla: explain: ", "heads.nabla has 1 input (features) and 2 outputs (aux, main)", "without --target");
    }

    @Test
    void evaluateRefusesOneInputTwoOutputsNamingTheOutputs() {
        CliTest.Run r = inProcess("evaluate", oneInputTwoOutputs().toString(), "--data", csv.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(r.err()).contains("heads.nabla has 1 input (features) and 2 outputs (aux, main)").doesNotContain("saved without a loss");
    }
}
