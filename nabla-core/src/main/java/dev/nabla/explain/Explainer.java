package dev.nabla.explain;

import dev.nabla.autograd.Autograd;
import dev.nabla.autograd.NoGrad;
import dev.nabla.autograd.Trace;
import dev.nabla.tensor.Tensor;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Explains backpropagation on the user's own computation, from its real autograd graph: the forward pass op by
 * op, the backward pass in reverse with each op's local rule and the numbers it passes on, every parameter's
 * gradient, and what one gradient-descent step does to the parameters and the output.
 *
 * <pre>{@code
 * Tensor x = Tensor.vector(1, -2, 3), w = Tensor.vector(-3, -1, 2).requiresGrad(true), b = Tensor.scalar(1).requiresGrad(true);
 * Explanation e = Explainer.explain("neuron", () -> w.mul(x).sum().add(b).relu(),
 *         Map.of(x, "x", w, "w", b, "b"), List.of(w, b), 0.001f);
 * System.out.println(ExplanationFormat.text(e));
 * }</pre>
 */
public final class Explainer {

    private Explainer() {}

    /**
     * @param forward     computes the output (a scalar, or any tensor whose sum is explained) from the parameters
     * @param names       labels of inputs and parameters in the printout
     * @param parameters  the tensors one step of gradient descent updates (they must require grad)
     * @param learningRate that step's learning rate (applied in float32)
     */
    public static Explanation explain(String title, Supplier<Tensor> forward, Map<Tensor, String> names, List<Tensor> parameters, double learningRate) {
        float lr = (float) learningRate;
        Tensor output = forward.get();
        Trace trace = Trace.of(output, null);
        Map<Tensor, String> label = new IdentityHashMap<>(names);
        List<Tensor> order = trace.forwardOrder();
        for (int i = 0; i < order.size(); i++) label.putIfAbsent(order.get(i), i == order.size() - 1 ? "out" : "h" + (i + 1));

        List<Explanation.ForwardStep> fwd = new ArrayList<>();
        for (Tensor t : order) {
            List<String> ins = new ArrayList<>();
            for (Tensor in : t.node().inputs()) ins.add(labelOf(label, in));
            fwd.add(new Explanation.ForwardStep(label.get(t), t.node().op(), ins, t.detach()));
        }
        List<Explanation.BackwardStep> bwd = new ArrayList<>();
        for (Trace.Step s : trace.backwardOrder()) {
            List<Explanation.Passed> passed = new ArrayList<>();
            for (int k = 0; k < s.inputs().size(); k++) {
                if (s.inputGrads().get(k) != null) passed.add(new Explanation.Passed(labelOf(label, s.inputs().get(k)), s.inputGrads().get(k)));
            }
            bwd.add(new Explanation.BackwardStep(label.get(s.output()), s.op(), s.upstream(), s.output().node().rule(), passed));
        }

        List<Explanation.ParameterUpdate> updates = new ArrayList<>();
        Map<Tensor, float[]> saved = new LinkedHashMap<>();
        Tensor after;
        try (NoGrad ignored = Autograd.noGrad()) {
            for (Tensor p : parameters) {
                Tensor g = trace.gradient(p);
                if (g == null) g = Tensor.zerosLike(p);
                Tensor before = p.detach().copy();
                saved.put(p, before.data().clone());
                p.addScaledInPlace(-lr, g);
                updates.add(new Explanation.ParameterUpdate(labelOf(label, p), before, g, p.detach().copy()));
            }
            after = forward.get().detach().copy();
            // Put the parameters back: explaining must not train the caller's model.
            for (Map.Entry<Tensor, float[]> e : saved.entrySet()) System.arraycopy(e.getValue(), 0, e.getKey().data(), 0, e.getValue().length);
        }
        return new Explanation(title, fwd, bwd, updates, output.detach(), after, lr);
    }

    private static String labelOf(Map<Tensor, String> label, Tensor t) {
        String l = label.get(t);
        if (l != null) return l;
        String c = t.size() == 1 ? "const " + ExplanationFormat.values(t) : "const" + java.util.Arrays.toString(t.shape());
        label.put(t, c);
        return c;
    }
}
