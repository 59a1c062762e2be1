package dev.nabla.explain;

import dev.nabla.io.Json;
import dev.nabla.tensor.Tensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Prints an {@link Explanation} as plain text, Markdown or JSON; tensors above 12 values are elided. */
public final class ExplanationFormat {

    private static final int MAX_VALUES = 12;

    private ExplanationFormat() {}

    /** {@code [1, -2, 3]}, {@code 6}, or {@code [3, 4] tensor [0.1, 0.2, ... 0.9]} when large. */
    static String values(Tensor t) {
        float[] d = t.data();
        if (t.rank() == 0 || d.length == 1 && t.rank() <= 1) return num(d[0]);
        StringBuilder sb = new StringBuilder();
        if (d.length > MAX_VALUES) sb.append(java.util.Arrays.toString(t.shape())).append(" tensor ");
        if (t.rank() == 2 && d.length <= MAX_VALUES) {
            sb.append('[');
            int cols = t.dim(1);
            for (int r = 0; r < t.dim(0); r++) {
                sb.append(r == 0 ? "[" : ", [");
                for (int c = 0; c < cols; c++) sb.append(c == 0 ? "" : ", ").append(num(d[r * cols + c]));
                sb.append(']');
            }
            return sb.append(']').toString();
        }
        sb.append('[');
        int shown = Math.min(d.length, d.length > MAX_VALUES ? 6 : MAX_VALUES);
        for (int i = 0; i < shown; i++) sb.append(i == 0 ? "" : ", ").append(num(d[i]));
        if (d.length > shown) sb.append(", ... ").append(num(d[d.length - 1]));
        return sb.append(']').toString();
    }

    /** Up to 6 significant digits, no trailing zeros: 6, -0.5, 5.985. */
    static String num(float v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e7) return String.valueOf((long) v);
        String s = String.format(Locale.ROOT, "%.6g", v);
        if (s.contains("e")) return s;
        s = s.replaceAll("0+$", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    public static String text(Explanation e) {
        StringBuilder sb = new StringBuilder();
        sb.append("Backpropagation, step by step: ").append(e.title()).append("\n\nForward pass\n");
        for (Explanation.ForwardStep f : e.forward()) {
            sb.append(String.format(Locale.ROOT, "  %-4s = %s(%s) = %s%n", f.output(), f.op(), String.join(", ", f.inputs()), values(f.value())));
        }
        sb.append("\nBackward pass (d out / d ...), from the output back\n");
        for (Explanation.BackwardStep b : e.backward()) {
            sb.append(String.format(Locale.ROOT, "  %s = %s(...): gradient from above %s%n", b.output(), b.op(), values(b.upstream())));
            sb.append("      rule: ").append(b.rule()).append('\n');
            for (Explanation.Passed p : b.passed()) sb.append(String.format(Locale.ROOT, "      -> to %-8s %s%n", p.input(), values(p.gradient())));
        }
        sb.append(String.format(Locale.ROOT, "%nGradients and one step of gradient descent (lr %s): p - lr * dp%n", num(e.learningRate())));
        for (Explanation.ParameterUpdate u : e.updates()) {
            sb.append(String.format(Locale.ROOT, "  d%-6s = %s%n", u.name(), values(u.gradient())));
            sb.append(String.format(Locale.ROOT, "  %-7s %s -> %s%n", u.name(), values(u.before()), values(u.after())));
        }
        sb.append(String.format(Locale.ROOT, "%nOutput %s -> %s after the step%n", values(e.output()), values(e.outputAfterUpdate())));
        return sb.toString();
    }

    public static String markdown(Explanation e) {
        StringBuilder sb = new StringBuilder();
        sb.append("## Backpropagation, step by step: ").append(e.title()).append("\n\n### Forward pass\n\n| value | op | inputs | result |\n|---|---|---|---|\n");
        for (Explanation.ForwardStep f : e.forward()) {
            sb.append("| ").append(f.output()).append(" | ").append(f.op()).append(" | ").append(String.join(", ", f.inputs()))
                    .append(" | `").append(values(f.value())).append("` |\n");
        }
        sb.append("\n### Backward pass\n\n| value | op | gradient from above | rule | passed on |\n|---|---|---|---|---|\n");
        for (Explanation.BackwardStep b : e.backward()) {
            List<String> passed = new ArrayList<>();
            for (Explanation.Passed p : b.passed()) passed.add(p.input() + ": `" + values(p.gradient()) + "`");
            sb.append("| ").append(b.output()).append(" | ").append(b.op()).append(" | `").append(values(b.upstream())).append("` | ")
                    .append(b.rule()).append(" | ").append(String.join("<br>", passed)).append(" |\n");
        }
        sb.append("\n### One step of gradient descent, lr ").append(num(e.learningRate())).append("\n\n| parameter | gradient | before | after |\n|---|---|---|---|\n");
        for (Explanation.ParameterUpdate u : e.updates()) {
            sb.append("| ").append(u.name()).append(" | `").append(values(u.gradient())).append("` | `").append(values(u.before()))
                    .append("` | `").append(values(u.after())).append("` |\n");
        }
        sb.append("\nOutput `").append(values(e.output())).append("` becomes `").append(values(e.outputAfterUpdate())).append("` after the step.\n");
        return sb.toString();
    }

    public static String json(Explanation e) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("title", e.title());
        List<Object> fwd = new ArrayList<>();
        for (Explanation.ForwardStep f : e.forward()) fwd.add(Map.of("output", f.output(), "op", f.op(), "inputs", f.inputs(), "value", tensor(f.value())));
        root.put("forward", fwd);
        List<Object> bwd = new ArrayList<>();
        for (Explanation.BackwardStep b : e.backward()) {
            List<Object> passed = new ArrayList<>();
            for (Explanation.Passed p : b.passed()) passed.add(Map.of("input", p.input(), "gradient", tensor(p.gradient())));
            Map<String, Object> step = new LinkedHashMap<>();
            step.put("output", b.output());
            step.put("op", b.op());
            step.put("upstream", tensor(b.upstream()));
            step.put("rule", b.rule());
            step.put("passed", passed);
            bwd.add(step);
        }
        root.put("backward", bwd);
        List<Object> ups = new ArrayList<>();
        for (Explanation.ParameterUpdate u : e.updates()) {
            ups.add(Map.of("name", u.name(), "gradient", tensor(u.gradient()), "before", tensor(u.before()), "after", tensor(u.after())));
        }
        root.put("learning_rate", (double) e.learningRate());
        root.put("updates", ups);
        root.put("output", tensor(e.output()));
        root.put("output_after_update", tensor(e.outputAfterUpdate()));
        return Json.writePretty(root);
    }

    private static Map<String, Object> tensor(Tensor t) {
        List<Double> v = new ArrayList<>();
        for (float f : t.data()) v.add((double) f);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("shape", t.shape());
        m.put("values", v);
        return m;
    }
}
