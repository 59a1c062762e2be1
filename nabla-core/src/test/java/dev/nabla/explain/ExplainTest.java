package dev.nabla.explain;

import dev.nabla.autograd.Function;
import dev.nabla.io.Json;
import dev.nabla.nn.Activation;
import dev.nabla.nn.AvgPool2D;
import dev.nabla.nn.Conv2D;
import dev.nabla.nn.Dense;
import dev.nabla.nn.Initializers;
import dev.nabla.nn.Layer;
import dev.nabla.nn.MaxPool2D;
import dev.nabla.nn.Padding;
import dev.nabla.nn.Weight;
import dev.nabla.nn.losses.Losses;
import dev.nabla.tensor.Rng;
import dev.nabla.tensor.Tensor;
import dev.nabla.train.Sequential;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class ExplainTest {

    @BeforeEach
    void freshNames() {
        Layer.resetNames();
    }

    private Tensor x, w, b;

    private Explanation neuron() {
        x = Tensor.vector(1, -2, 3).requiresGrad(true);
        w = Tensor.vector(-3, -1, 2).requiresGrad(true);
        b = Tensor.scalar(1).requiresGrad(true);
        Map<Tensor, String> names = new IdentityHashMap<>(Map.of(x, "x", w, "w", b, "b"));
        return Explainer.explain("neuron", () -> w.mul(x).sum().add(b).relu(), names, List.of(w, b), 0.001f);
    }

    @Test
    void theNeuronPrintsTheTutorialsNumbers() {
        Explanation e = neuron();
        String text = ExplanationFormat.text(e);
        assertThat(text).contains("out  = relu(h3) = 6", "-> to w        [1, -2, 3]", "-> to x        [-3, -1, 2]", "-> to b        1",
                "dw      = [1, -2, 3]", "db      = 1", "Output 6 -> 5.985 after the step");
        assertThat(e.outputAfterUpdate().item()).isCloseTo(5.985f, org.assertj.core.data.Offset.offset(1e-6f));
        // Explaining does not change the parameters.
        assertThat(w.data()).containsExactly(-3, -1, 2);
        assertThat(ExplanationFormat.markdown(e)).contains("| out | relu | h3 | `6` |");
        Map<String, Object> json = Json.parseObject(ExplanationFormat.json(e));
        assertThat((List<?>) json.get("backward")).hasSize(4);
    }

    @Test
    void theTraceAgreesWithBackward() {
        Rng rng = new Rng(2);
        Sequential m = Sequential.of(Dense.of(5, Activation.TANH), Dense.of(3, Activation.SOFTMAX));
        Tensor in = Tensor.normal(rng, 0, 1, 4, 6), y = Tensor.vector(0, 2, 1, 2);
        Tensor loss = Losses.sparseCategoricalCrossentropy(false).apply(y, m.apply(in));
        dev.nabla.autograd.Trace t = dev.nabla.autograd.Trace.of(loss, null);
        loss.backward();
        for (var weight : m.weights()) {
            assertThat(t.gradient(weight.value()).allClose(weight.value().grad(), 1e-6, 1e-7)).as(weight.name()).isTrue();
        }
    }

    /** A tiny DOT reader: node ids and labels, and edges; enough to prove the export is well-formed. */
    @Test
    void dotAndMermaidDescribeTheGraph() {
        Explanation ignored = neuron();
        Tensor out = w.mul(x).sum().add(b).relu();
        String dot = GraphExport.dot(out, Map.of(w, "w", x, "x", b, "b"));
        assertThat(dot).startsWith("digraph nabla {").endsWith("}\n");
        Map<String, String> labels = new HashMap<>();
        Matcher nodes = Pattern.compile("\\s*(n\\d+) \\[label=\"([^\"]*)\"").matcher(dot);
        while (nodes.find()) labels.put(nodes.group(1), nodes.group(2));
        List<String[]> edges = new ArrayList<>();
        Matcher e = Pattern.compile("(n\\d+) -> (n\\d+);").matcher(dot);
        while (e.find()) edges.add(new String[] {e.group(1), e.group(2)});
        assertThat(labels).hasSize(7); // x, w, b, mul, sum, add, relu
        assertThat(labels.values()).contains("w: parameter [3]", "relu []", "mul [3]");
        Set<String> ids = new HashSet<>(labels.keySet());
        for (String[] edge : edges) assertThat(ids).contains(edge[0], edge[1]);
        assertThat(edges).hasSize(6);
        String mermaid = GraphExport.mermaid(out, Map.of(w, "w"));
        assertThat(mermaid).startsWith("flowchart LR").contains("-->").contains("style");
    }

    static final class Square extends Function {
        private final float factor;

        Square(float factor) {
            this.factor = factor;
        }

        @Override
        protected Tensor forward(Context ctx, Tensor... in) {
            ctx.save(in[0]);
            float[] v = in[0].data(), out = new float[v.length];
            for (int i = 0; i < v.length; i++) out[i] = v[i] * v[i];
            return Tensor.of(out, in[0].shape());
        }

        @Override
        protected Tensor[] backward(Context ctx, Tensor grad) {
            return new Tensor[] {grad.mul(ctx.saved(0)).mul(factor)};
        }
    }

    /** A user layer whose activation is a custom op: its backward factor decides right or wrong. */
    static final class Squared extends Layer {
        private final float factor;
        private Tensor kernel;

        Squared(float factor) {
            super(null);
            this.factor = factor;
        }

        @Override
        protected void build(int[] s) {
            kernel = addWeight("kernel", new int[] {s[1], 2}, Initializers.glorotUniform(), true);
        }

        @Override
        protected Tensor forward(Tensor in) {
            return new Square(factor).apply(in.matmul(kernel));
        }
    }

    @Test
    void gradientCheckPassesARightLayerAndFlagsAWrongOne() {
        Tensor in = Tensor.normal(new Rng(5), 0, 1, 3, 4);
        Squared right = new Squared(2f), wrong = new Squared(3f);
        for (Squared l : new Squared[] {right, wrong}) {
            l.seed(1);
            l.buildFor(3, 4);
        }
        List<GradientCheck.Result> ok = GradientCheck.of(right, () -> right.apply(in).sum(), 8);
        assertThat(ok).hasSize(1).allMatch(GradientCheck.Result::passed);
        List<GradientCheck.Result> bad = GradientCheck.of(wrong, () -> wrong.apply(in).sum(), 8);
        assertThat(bad.get(0).passed()).isFalse();
        assertThat(bad.get(0).worstRelativeError()).isGreaterThan(0.1);
    }

    @Test
    void gradientCheckCountsSampledAndCheckedElementsAndDoesNotPassAParameterWithNoneChecked() {
        // ReLU with zero weights: every pre-activation sits on the kink, so every sampled element is skipped.
        Dense layer = Dense.of(1, Activation.RELU);
        layer.seed(1);
        layer.buildFor(3, 2);
        for (Weight w : layer.weights()) java.util.Arrays.fill(w.value().data(), 0f);
        Tensor in = Tensor.normal(new Rng(5), 0, 1, 3, 2);
        List<GradientCheck.Result> results = GradientCheck.of(layer, () -> layer.apply(in).square().sum(), 8);
        assertThat(results).hasSize(2).allSatisfy(r -> {
            assertThat(r.sampled()).isEqualTo(r.parameter().endsWith("kernel") ? 2 : 1);
            assertThat(r.checked()).isZero();
            assertThat(r.passed()).isFalse();
            assertThat(r.toString()).contains("0 of " + r.sampled() + " checked", "not checked");
        });
    }

    /** Each unary op through its Tensor method; exhaustive, so a new unary op does not compile until it is listed. */
    private static Tensor unary(dev.nabla.kernels.UnaryOp op, Tensor x) {
        return switch (op) {
            case NEG -> x.neg();
            case EXP -> x.exp();
            case LOG -> x.log();
            case SQRT -> x.sqrt();
            case ABS -> x.abs();
            case SIGN -> x.sign();
            case RELU -> x.relu();
            case SIGMOID -> x.sigmoid();
            case TANH -> x.tanh();
            case SOFTPLUS -> x.softplus();
            case SQUARE -> x.square();
            case RECIPROCAL -> x.reciprocal();
            case GELU -> x.gelu(false);
            case GELU_TANH -> x.gelu(true);
        };
    }

    /** The rule the explanation prints for each op of the backward pass of {@code out}, by op name. */
    private static Map<String, String> rulesOf(Tensor out) {
        Map<String, String> rules = new TreeMap<>();
        Explanation e = Explainer.explain("ops", () -> out, Map.of(), List.of(), 0f);
        for (Explanation.BackwardStep step : e.backward()) rules.put(step.op(), step.rule());
        return rules;
    }

    @Test
    void eluAndLeakyReluExplainTheirRuleWithTheirOwnParameter() {
        Tensor x = Tensor.vector(-1, 2).requiresGrad(true);
        assertThat(rulesOf(x.elu(0.5f)).get("elu")).contains("0.5 e^x").doesNotContain("else e^x");
        assertThat(rulesOf(x.elu(2f)).get("elu")).contains("2 e^x");
        assertThat(rulesOf(x.leakyRelu(0.2f)).get("leaky_relu")).contains("0.2");
        assertThat(rulesOf(x.clamp(-0.5f, 1.5f)).get("clamp")).contains("[-0.5, 1.5]");
    }

    /**
     * Every op the library can record explains its backward rule in words. The rule is an argument of recording an
     * op, so no op can be recorded without one; this runs every op of the op gradient table, every unary op, the
     * layers' fused ops, the losses and a user-defined op, and checks that each text is real.
     */
    @Test
    void everyRecordedOpExplainsItsBackwardRule() {
        Map<String, String> rules = new TreeMap<>();
        for (dev.nabla.tensor.OpGradientTest.Case c : dev.nabla.tensor.OpGradientTest.cases().toList()) {
            Tensor[] in = new Tensor[c.inputs().length];
            for (int i = 0; i < in.length; i++) in[i] = c.inputs()[i].roundedToFloat().toTensor().requiresGrad(true);
            rules.putAll(rulesOf(c.op().apply(in)));
        }
        Tensor v = Tensor.vector(0.5f, -1.5f, 2f).requiresGrad(true);
        rules.putAll(rulesOf(v.mul(3f).add(1f)));
        for (dev.nabla.kernels.UnaryOp op : dev.nabla.kernels.UnaryOp.values()) {
            rules.putAll(rulesOf(unary(op, v.abs().add(0.5f))));
        }
        Rng rng = new Rng(3);
        Tensor images = Tensor.normal(rng, 0, 1, 2, 1, 6, 6).requiresGrad(true);
        rules.putAll(rulesOf(Sequential.of(new Conv2D(2, 3, 1, Padding.VALID, true, Activation.RELU), new MaxPool2D(2, 2)).apply(images)));
        rules.putAll(rulesOf(new MaxPool2D(3, 3).apply(new Conv2D(2, 1).apply(images))));
        rules.putAll(rulesOf(new AvgPool2D(2, 2).apply(new Conv2D(2, 1, 1, Padding.VALID, true, Activation.RELU).apply(images))));
        Tensor rows = Tensor.normal(rng, 0, 1, 4, 3).requiresGrad(true);
        Tensor logits = Dense.of(3, Activation.LINEAR).apply(Dense.of(3, Activation.RELU).apply(rows));
        rules.putAll(rulesOf(Losses.sparseCategoricalCrossentropy(true).apply(Tensor.vector(0, 2, 1, 2), logits)));
        rules.putAll(rulesOf(Losses.categoricalCrossentropy(false).apply(rows.softmax(-1).detach(), rows.softmax(-1))));
        rules.putAll(rulesOf(Losses.binaryCrossentropy(true).apply(Tensor.zeros(4, 3), rows)));
        rules.putAll(rulesOf(new Square(2f).apply(rows)));

        assertThat(rules).containsKeys("sign", "maximum", "minimum", "gelu_tanh", "logsumexp", "slice", "pad", "concat",
                "index_select", "scatter_add", "broadcast_to", "upsample_nearest2d", "linear", "linear_relu", "conv2d", "conv2d_relu",
                "conv2d_relu_maxpool2d", "max_pool2d", "avg_pool2d", "mul_scalar", "add_scalar", "sparse_categorical_crossentropy",
                "categorical_crossentropy", "binary_crossentropy_logits", "Square");
        for (dev.nabla.kernels.UnaryOp op : dev.nabla.kernels.UnaryOp.values()) assertThat(rules).containsKey(op.opName());
        rules.forEach((op, rule) -> assertThat(rule).as(op).isNotBlank().doesNotContain("own backward rule").isNotEqualTo(op));
    }
}
