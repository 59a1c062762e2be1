package dev.nabla.cli.board;

import dev.nabla.nn.Activation;
import dev.nabla.nn.Dense;
import dev.nabla.nn.Initializers;
import dev.nabla.nn.Layer;
import dev.nabla.nn.losses.Losses;
import dev.nabla.optim.Optimizer;
import dev.nabla.optim.Optimizers;
import dev.nabla.tensor.Rng;
import dev.nabla.tensor.Tensor;
import dev.nabla.train.Sequential;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One playground: 2-D points with labels 0 and 1, and a Nabla network (Dense hidden layers, one logit out, binary
 * cross-entropy) trained on them one batch per step with Model#trainStep, as any Nabla model trains. Everything
 * random (the points, the initial weights, the order of the batches) comes from the config's seed, so the same
 * config gives the same losses step for step.
 * <p>
 * Not thread-safe on its own: {@link Playground} calls one session from one request at a time.
 */
final class PlaygroundSession {

    /** The side of the square grid over the plane where the network's probability is drawn as the heat map. */
    static final int GRID = 48;
    /** History points kept; beyond, every other one is dropped and the recording interval doubles. */
    static final int MAX_HISTORY = 600;

    /** What the page chose; checked against the limits by {@link Playground#config}. */
    record Config(String dataset, int points, double noise, long seed, List<Integer> layers, Activation activation,
                  String optimizer, double learningRate, int batchSize, String csv) {}

    private final Config config;
    private final PlaygroundData.Points data;
    private final Tensor inputs, targets;
    /** The plane shown: the points' bounds with a margin. */
    private final float x0, x1, y0, y1;
    /** Per-feature shift and scale: the network sees standardised coordinates, whatever the CSV's units. */
    private final float[] mean = new float[2], scale = new float[2];
    private final Sequential model;
    private final List<Layer> dense = new ArrayList<>();
    private final Rng order;
    private int[] permutation;
    private int cursor, step;
    private final List<Integer> steps = new ArrayList<>();
    private final List<Double> losses = new ArrayList<>();
    private final Map<String, List<Double>> gradNorms = new LinkedHashMap<>();
    private int stride = 1;
    private double lastLoss = Double.NaN;
    private Map<String, Double> lastNorms = Map.of();

    PlaygroundSession(Config config) {
        this.config = config;
        this.data = config.csv() != null ? PlaygroundData.csv(config.csv(), Playground.MAX_POINTS)
                : PlaygroundData.generate(config.dataset(), config.points(), config.noise(), config.seed());
        float[] xy = data.xy();
        float[] lo = {Float.MAX_VALUE, Float.MAX_VALUE}, hi = {-Float.MAX_VALUE, -Float.MAX_VALUE};
        for (int i = 0; i < xy.length; i++) {
            lo[i % 2] = Math.min(lo[i % 2], xy[i]);
            hi[i % 2] = Math.max(hi[i % 2], xy[i]);
            mean[i % 2] += xy[i] / data.size();
        }
        for (int d = 0; d < 2; d++) {
            double sq = 0;
            for (int i = d; i < xy.length; i += 2) sq += (xy[i] - mean[d]) * (xy[i] - mean[d]);
            float std = (float) Math.sqrt(sq / data.size());
            scale[d] = std > 0 ? 1 / std : 1;
            float margin = Math.max(0.1f * (hi[d] - lo[d]), 0.1f);
            lo[d] -= margin;
            hi[d] += margin;
        }
        x0 = lo[0];
        x1 = hi[0];
        y0 = lo[1];
        y1 = hi[1];
        inputs = Tensor.of(standardised(xy), data.size(), 2);
        targets = Tensor.of(data.labels().clone(), data.size(), 1);

        model = new Sequential("playground");
        for (int i = 0; i < config.layers().size(); i++) model.add(dense("hidden" + (i + 1), config.layers().get(i), config.activation()));
        model.add(dense("output", 1, Activation.LINEAR)); // the logit of class 1
        model.seed(config.seed());
        model.compile(optimizer(config.optimizer(), config.learningRate()), Losses.binaryCrossentropy(true));
        model.buildFor(1, 2);
        dense.addAll(model.layers());
        for (Layer l : dense) gradNorms.put(l.name(), new ArrayList<>());
        order = new Rng(config.seed() ^ 0x6A09E667F3BCC909L);
        permutation = order.permutation(data.size());
    }

    /** Named by place (hidden1, hidden2, output), not by a process-wide counter, so the charts' names repeat. */
    private static Dense dense(String name, int units, Activation activation) {
        return new Dense(name, units, activation, Initializers.glorotUniform(), Initializers.zeros(), true);
    }

    /** sgd, momentum (SGD with momentum 0.9), adam, rmsprop or adagrad, Nabla's own optimizers. */
    static Optimizer optimizer(String name, double lr) {
        return switch (name) {
            case "sgd" -> Optimizers.sgd(lr);
            case "momentum" -> Optimizers.sgd(lr, 0.9, false, 0);
            case "adam" -> Optimizers.adam(lr);
            case "rmsprop" -> Optimizers.rmsprop(lr);
            case "adagrad" -> Optimizers.adagrad(lr);
            default -> throw new IllegalArgumentException("optimizer: expected one of " + Playground.OPTIMIZERS + ", got '" + name + "'");
        };
    }

    Config config() {
        return config;
    }

    int step() {
        return step;
    }

    long parameters() {
        return model.parameterCount();
    }

    private float[] standardised(float[] xy) {
        float[] s = new float[xy.length];
        for (int i = 0; i < xy.length; i++) s[i] = (xy[i] - mean[i % 2]) * scale[i % 2];
        return s;
    }

    /** Trains {@code n} steps, each one batch of the shuffled points (reshuffled after each pass over them). */
    void train(int n) {
        for (int i = 0; i < n; i++) {
            int b = Math.min(config.batchSize(), data.size() - cursor);
            int[] rows = java.util.Arrays.copyOfRange(permutation, cursor, cursor + b);
            cursor += b;
            if (cursor == data.size()) {
                cursor = 0;
                permutation = order.permutation(data.size());
            }
            lastLoss = model.trainStep(rows(inputs, rows, 2), rows(targets, rows, 1));
            lastNorms = gradientNorms();
            step++;
            record();
        }
    }

    private static Tensor rows(Tensor t, int[] rows, int width) {
        float[] out = new float[rows.length * width];
        for (int i = 0; i < rows.length; i++) System.arraycopy(t.data(), rows[i] * width, out, i * width, width);
        return Tensor.of(out, rows.length, width);
    }

    /** The L2 norm of each layer's gradient in the last step, by layer name. */
    private Map<String, Double> gradientNorms() {
        Map<String, Double> norms = new LinkedHashMap<>();
        for (Layer l : dense) {
            double sq = 0;
            for (Tensor p : l.trainableParameters()) {
                if (p.grad() == null) continue;
                for (float g : p.grad().data()) sq += (double) g * g;
            }
            norms.put(l.name(), Math.sqrt(sq));
        }
        return norms;
    }

    /** Every {@code stride}-th step into the history; when full, every other point goes and the stride doubles. */
    private void record() {
        if (step % stride != 0) return;
        steps.add(step);
        losses.add(lastLoss);
        lastNorms.forEach((k, v) -> gradNorms.get(k).add(v));
        if (steps.size() < MAX_HISTORY) return;
        stride *= 2;
        thin(steps);
        thin(losses);
        gradNorms.values().forEach(PlaygroundSession::thin);
    }

    /** Keeps the points on the new stride (the odd positions, steps 2, 4, ... of 1, 2, 3, 4, ...). */
    private static <T> void thin(List<T> list) {
        List<T> kept = new ArrayList<>();
        for (int i = 1; i < list.size(); i += 2) kept.add(list.get(i));
        list.clear();
        list.addAll(kept);
    }

    /** The probability of class 1 for each point, in order. */
    float[] probabilities() {
        return sigmoid(model.predict(inputs).data());
    }

    /** The fraction of points on the right side of the 0.5 boundary. */
    double accuracy() {
        float[] p = probabilities(), y = data.labels();
        int right = 0;
        for (int i = 0; i < p.length; i++) if ((p[i] >= 0.5f ? 1 : 0) == y[i]) right++;
        return (double) right / p.length;
    }

    /** The probability of class 1 over a GRID x GRID grid of the plane, row by row from the top (y1) down. */
    float[] grid() {
        float[] xy = new float[2 * GRID * GRID];
        for (int r = 0; r < GRID; r++) {
            for (int c = 0; c < GRID; c++) {
                xy[2 * (r * GRID + c)] = x0 + (x1 - x0) * (c + 0.5f) / GRID;
                xy[2 * (r * GRID + c) + 1] = y1 - (y1 - y0) * (r + 0.5f) / GRID;
            }
        }
        return sigmoid(model.predict(Tensor.of(standardised(xy), GRID * GRID, 2)).data());
    }

    private static float[] sigmoid(float[] logits) {
        float[] p = new float[logits.length];
        for (int i = 0; i < p.length; i++) p[i] = (float) (1 / (1 + Math.exp(-logits[i])));
        return p;
    }

    /** The losses recorded so far (one per recorded step). */
    List<Double> losses() {
        return List.copyOf(losses);
    }

    /**
     * The page's state: the step, the epoch, the last loss and gradient norms, the accuracy on the points, the
     * history of loss and per-layer gradient norms, the heat map grid, and (with {@code withPoints}) the points.
     */
    Map<String, Object> state(boolean withPoints) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("dataset", config.dataset());
        s.put("step", step);
        s.put("epoch", (double) step * config.batchSize() / data.size());
        s.put("loss", lastLoss);
        s.put("accuracy", accuracy());
        s.put("grad_norm", lastNorms);
        Map<String, Object> history = new LinkedHashMap<>();
        history.put("steps", steps);
        history.put("loss", losses);
        history.put("grad_norm", gradNorms);
        s.put("history", history);
        s.put("bounds", List.of(x0, x1, y0, y1));
        Map<String, Object> grid = new LinkedHashMap<>();
        grid.put("size", GRID);
        grid.put("values", rounded(grid()));
        s.put("grid", grid);
        s.put("layers", dense.stream().map(Layer::name).toList());
        s.put("parameters", model.parameterCount());
        if (withPoints) {
            List<Object> pts = new ArrayList<>();
            float[] xy = data.xy(), y = data.labels();
            for (int i = 0; i < data.size(); i++) pts.add(List.of(xy[2 * i], xy[2 * i + 1], (int) y[i]));
            s.put("points", pts);
        }
        return s;
    }

    /** Probabilities to 3 decimals: the heat map needs no more, and the answer stays small. */
    private static List<Double> rounded(float[] p) {
        List<Double> l = new ArrayList<>(p.length);
        for (float v : p) l.add(Math.round(v * 1000) / 1000.0);
        return l;
    }
}
