package dev.nabla.train;

import dev.nabla.nn.Layer;
import dev.nabla.nn.Weight;
import dev.nabla.tensor.Tensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Watches each layer's gradients during {@link Model#fit} and adds to every epoch's logs (and so to the history)
 * {@code grad_norm/<layer>} (mean over the epoch's steps of the L2 norm of the layer's gradients),
 * {@code weight_norm/<layer>} and {@code update_ratio/<layer>} (how far the epoch moved the weights, relative to
 * their norm). It warns, naming the layer, when gradients vanish (norm below 1e-7 for {@code patience} epochs in a
 * row) or explode (above 1e3, or not finite); gradients of exactly 0, or with weights grown 100-fold since training began,
 * are told apart from a deep stack's vanishing: they mean a too-high learning rate saturated or killed the units.
 * Put it before callbacks that read the logs, such as CsvLogger.
 *
 * <pre>{@code
 * GradientDiagnostics d = new GradientDiagnostics(System.err::println);
 * model.fit(x, y, FitOptions.epochs(10).callbacks(d, new CsvLogger(path)));
 * }</pre>
 */
public class GradientDiagnostics implements Callback {

    public static final double VANISHING = 1e-7;
    public static final double EXPLODING = 1e3;
    /** Weights this many times their norm at the start of training have blown up. */
    static final double BLOWN_UP = 100;

    private final Consumer<String> warn;
    private final int patience;
    private final List<String> warnings = new ArrayList<>();
    private final Map<Layer, double[]> gradSums = new LinkedHashMap<>();
    private final Map<Layer, float[][]> epochStart = new LinkedHashMap<>();
    private final Map<Layer, Integer> quietEpochs = new LinkedHashMap<>();
    private final Map<Layer, Boolean> warned = new LinkedHashMap<>();
    private final Map<Layer, Double> initialNorms = new LinkedHashMap<>();
    private int steps;

    public GradientDiagnostics(Consumer<String> warn) {
        this(warn, 3);
    }

    public GradientDiagnostics(Consumer<String> warn, int patience) {
        this.warn = warn;
        this.patience = patience;
    }

    @Override
    public void onTrainBegin(TrainContext context) {
        gradSums.clear();
        initialNorms.clear();
        for (Layer l : layersWithWeights(context.model())) {
            gradSums.put(l, new double[1]);
            initialNorms.put(l, norm(l));
        }
    }

    private static double norm(Layer layer) {
        double sq = 0;
        for (Tensor p : layer.trainableParameters()) for (float w : p.data()) sq += (double) w * w;
        return Math.sqrt(sq);
    }

    /** The model's layers that own trainable weights, depth first. */
    static List<Layer> layersWithWeights(Layer root) {
        List<Layer> out = new ArrayList<>();
        collect(root, out);
        return out;
    }

    private static void collect(Layer l, List<Layer> out) {
        if (l.children().isEmpty()) {
            if (!l.trainableParameters().isEmpty()) out.add(l);
            return;
        }
        for (Layer c : l.children()) collect(c, out);
    }

    @Override
    public void onEpochBegin(int epoch) {
        steps = 0;
        for (Map.Entry<Layer, double[]> e : gradSums.entrySet()) {
            e.getValue()[0] = 0;
            List<Tensor> ps = e.getKey().trainableParameters();
            float[][] copy = new float[ps.size()][];
            for (int i = 0; i < copy.length; i++) copy[i] = ps.get(i).data().clone();
            epochStart.put(e.getKey(), copy);
        }
    }

    @Override
    public void onBatchEnd(int step, double loss) {
        steps++;
        for (Map.Entry<Layer, double[]> e : gradSums.entrySet()) {
            double sq = 0;
            for (Tensor p : e.getKey().trainableParameters()) {
                if (p.grad() == null) continue;
                for (float g : p.grad().data()) sq += (double) g * g;
            }
            e.getValue()[0] += Math.sqrt(sq);
        }
    }

    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
        for (Map.Entry<Layer, double[]> e : gradSums.entrySet()) {
            Layer layer = e.getKey();
            double grad = steps == 0 ? 0 : e.getValue()[0] / steps;
            double weightSq = 0, moveSq = 0;
            List<Tensor> ps = layer.trainableParameters();
            float[][] start = epochStart.get(layer);
            for (int i = 0; i < ps.size(); i++) {
                float[] w = ps.get(i).data();
                for (int j = 0; j < w.length; j++) {
                    weightSq += (double) w[j] * w[j];
                    double d = w[j] - start[i][j];
                    moveSq += d * d;
                }
            }
            double weightNorm = Math.sqrt(weightSq);
            logs.put("grad_norm/" + layer.name(), grad);
            logs.put("weight_norm/" + layer.name(), weightNorm);
            logs.put("update_ratio/" + layer.name(), weightNorm == 0 ? 0 : Math.sqrt(moveSq) / weightNorm);
            check(layer, epoch, grad, weightNorm);
        }
    }

    private void check(Layer layer, int epoch, double grad, double weightNorm) {
        if (!Double.isFinite(grad) || grad > EXPLODING) {
            say(layer, String.format(Locale.ROOT, "%s: gradients explode (mean norm %.3g in epoch %d); lower the learning rate, clip gradients"
                    + " (optimizer.clipByGlobalNorm(1)), or add normalisation (BatchNormalization / LayerNormalization)", layer.name(), grad, epoch + 1));
            return;
        }
        int quiet = grad < VANISHING ? quietEpochs.getOrDefault(layer, 0) + 1 : 0;
        quietEpochs.put(layer, quiet);
        double startNorm = initialNorms.getOrDefault(layer, 0.0);
        if (quiet >= patience && (grad == 0 || startNorm > 0 && weightNorm > BLOWN_UP * startNorm)) {
            // Not a deep stack starving its first layers: the weights blew up or every unit saturated, as a too-high learning rate does.
            say(layer, String.format(Locale.ROOT, "%s: no gradient reaches it (mean norm %.3g for %d epochs; its weights' norm went from %.3g to %.3g):"
                    + " its units saturated or died, as a too-high learning rate makes them; lower the learning rate, clip gradients"
                    + " (optimizer.clipByGlobalNorm(1)), or scale the inputs", layer.name(), grad, quiet, startNorm, weightNorm));
        } else if (quiet >= patience) {
            say(layer, String.format(Locale.ROOT, "%s: gradients vanish (mean norm %.3g, below %.0e for %d epochs); use ReLU-family activations"
                    + " with He initialisation, fewer layers, normalisation, or a higher learning rate", layer.name(), grad, VANISHING, quiet));
        }
    }

    /** Each layer is warned about once. */
    private void say(Layer layer, String message) {
        if (warned.put(layer, true) != null) return;
        warnings.add(message);
        warn.accept("warning: " + message);
    }

    /** The warnings given so far. */
    public List<String> warnings() {
        return List.copyOf(warnings);
    }
}
