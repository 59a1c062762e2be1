package dev.nabla.train;

import dev.nabla.autograd.Autograd;
import dev.nabla.autograd.NoGrad;
import dev.nabla.data.Batch;
import dev.nabla.data.BatchIterator;
import dev.nabla.data.BatchSource;
import dev.nabla.data.Dataset;
import dev.nabla.data.Split;
import dev.nabla.nn.Layer;
import dev.nabla.nn.Loss;
import dev.nabla.nn.SymbolicTensor;
import dev.nabla.nn.Weight;
import dev.nabla.optim.Optimizer;
import dev.nabla.tensor.Shape;
import dev.nabla.tensor.Tensor;
import dev.nabla.train.metrics.Metric;
import dev.nabla.train.metrics.Metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A trainable network: compile it with an optimizer, a loss and metrics, then {@link #fit}, {@link #evaluate} and
 * {@link #predict}, as in Keras. {@link Sequential} stacks layers; to write your own model, subclass this, create
 * layers with {@link #addChild} and define {@link #forward}:
 *
 * <pre>{@code
 * class TwoTower extends Model {
 *     private final Dense left = addChild(Dense.of(8, Activation.RELU));
 *     private final Dense right = addChild(Dense.of(8, Activation.TANH));
 *     private final Dense head = addChild(Dense.of(3));
 *     protected Tensor forward(Tensor x) {
 *         return head.apply(Tensor.concat(1, left.apply(x), right.apply(x)));
 *     }
 * }
 * }</pre>
 *
 * A custom training loop needs nothing more than the model, a loss and an optimizer:
 *
 * <pre>{@code
 * Optimizer opt = Optimizers.sgd(0.1).parameters(model::trainableParameters);
 * for (int i = 0; i < 100; i++) {
 *     Tensor loss = lossFn.apply(y, model.apply(x));
 *     opt.zeroGrad();
 *     loss.backward();
 *     opt.step();
 * }
 * }</pre>
 */
public abstract class Model extends Layer {

    private Optimizer optimizer;
    private Loss loss;
    private final List<Metric> metrics = new ArrayList<>();
    private boolean stopRequested;
    /** The prediction of the last training step, for the metrics. */
    private Tensor lastPrediction;

    protected Model(String name) {
        super(name);
    }

    protected Model() {
        this(null);
    }

    /**
     * Builds every layer by running the model once on zeros shaped like the input (batch 1), in inference mode and
     * without a graph, so that {@code buildFor(shape)} makes weights and {@link #summary()} available before training.
     */
    @Override
    protected void build(int[] inputShape) {
        int[] probe = inputShape.clone();
        if (probe.length > 0) probe[0] = 1;
        boolean wasTraining = isTraining();
        setTraining(false);
        try (NoGrad ignored = Autograd.noGrad()) {
            forward(Tensor.zeros(probe));
        } finally {
            setTraining(wasTraining);
        }
    }

    /**
     * A functional model from one input to one output (see {@link Functional}); the output is named after its
     * tensor (the name of the layer that made it).
     */
    public static Functional of(SymbolicTensor input, SymbolicTensor output) {
        return of(List.of(input), List.of(output));
    }

    /** A functional model from several inputs (in this order) to one output. */
    public static Functional of(List<SymbolicTensor> inputs, SymbolicTensor output) {
        return of(inputs, List.of(output));
    }

    /** A functional model with several outputs (in this order), each named after its tensor. */
    public static Functional of(List<SymbolicTensor> inputs, List<SymbolicTensor> outputs) {
        List<String> names = new ArrayList<>();
        for (SymbolicTensor out : outputs) names.add(out.name());
        return new Functional(null, inputs, names, outputs);
    }

    /**
     * A functional model whose outputs are named by the map's keys: {@code Model.of(List.of(x), Map.of("main", y,
     * "aux", z))}. Outputs are ordered by name (as Keras flattens a dict), here aux then main.
     */
    public static Functional of(List<SymbolicTensor> inputs, Map<String, SymbolicTensor> outputs) {
        return new Functional(null, inputs, outputs);
    }

    /** Sets the optimizer (bound to this model's trainable parameters), the loss and the metrics. */
    public Model compile(Optimizer optimizer, Loss loss, Metric... metrics) {
        if (optimizer == null || loss == null) throw new IllegalArgumentException(name() + ".compile: optimizer and loss are required");
        this.optimizer = optimizer.parameters(this::trainableParameters);
        this.loss = loss;
        this.metrics.clear();
        for (Metric m : metrics) this.metrics.add(Metrics.resolve(m, loss));
        return this;
    }

    public Optimizer optimizer() {
        return optimizer;
    }

    public Loss loss() {
        return loss;
    }

    public List<Metric> metrics() {
        return List.copyOf(metrics);
    }

    /** Asks {@link #fit} to stop after the current epoch (for callbacks such as {@link EarlyStopping}). */
    public void stopTraining() {
        stopRequested = true;
    }

    /** Whether a callback asked training to stop (see {@link #stopTraining()}). */
    public boolean stopRequested() {
        return stopRequested;
    }

    /** Forgets a stop request; every fit starts with this (as must training loops outside this class). */
    public void clearStopRequest() {
        stopRequested = false;
    }

    /** Throws unless {@link #compile} was called; {@code what} names the caller in the message. */
    public void requireCompiled(String what) {
        if (optimizer == null || loss == null) {
            throw new IllegalStateException(name() + "." + what + ": call compile(optimizer, loss, metrics...) first");
        }
    }

    /** One optimizer step on one batch, in training mode; returns the batch loss. */
    public float trainStep(Tensor x, Tensor y) {
        requireCompiled("trainStep");
        setTraining(true);
        return step(x, y).item();
    }

    private Tensor step(Tensor x, Tensor y) {
        Tensor prediction = apply(x);
        Tensor value = loss.apply(y, prediction);
        optimizer.zeroGrad();
        value.backward();
        optimizer.step();
        lastPrediction = prediction;
        return value;
    }

    /**
     * Trains for {@code options.epochs()} epochs and returns the per-epoch loss and metrics (and their
     * {@code val_} versions with validation). Steps per epoch: ceil(samples / batch size).
     */
    public History fit(Tensor x, Tensor y, FitOptions options) {
        requireCompiled("fit");
        checkSamples("fit", x, y);
        Tensor trainX = x, trainY = y, valX = options.validationX(), valY = options.validationY();
        if (options.validationSplit() > 0) {
            Dataset[] parts = Split.holdOutLast(new Dataset(x, y), options.validationSplit(), name() + ".fit");
            trainX = parts[0].x();
            trainY = parts[0].y();
            valX = parts[1].x();
            valY = parts[1].y();
        }
        if (valX != null) checkSamples("fit (validation data)", valX, valY);

        int n = trainX.dim(0);
        int batch = options.batchSize() == FitOptions.FULL_BATCH ? n : Math.min(options.batchSize(), n);
        int steps = (n + batch - 1) / batch;
        if (!isBuilt()) buildFor(trainX.slice(0, 0, 1).shape());
        BatchSource source = new Dataset(trainX, trainY).batches(batch, options.shuffle(), options.seed());
        return run(source, new TrainContext(this, options.epochs(), options.initialEpoch(), steps, n, batch), valX, valY, options);
    }

    /**
     * Trains on data read batch by batch (e.g. {@link dev.nabla.data.CsvReader#stream} for files larger than memory);
     * the source decides batch size and order. Validation needs {@link FitOptions#validationData}.
     */
    public History fit(BatchSource source, FitOptions options) {
        requireCompiled("fit");
        if (options.validationSplit() > 0) {
            throw new IllegalArgumentException(name() + ".fit: a stream cannot be split for validation; pass FitOptions.validationData");
        }
        try (BatchIterator first = source.batches(options.initialEpoch())) { // a peek: the pass must not stay open
            if (!first.hasNext()) throw new IllegalArgumentException(name() + ".fit: the batch source is empty");
            if (!isBuilt()) buildFor(first.next().x().slice(0, 0, 1).shape());
        }
        return run(source, new TrainContext(this, options.epochs(), options.initialEpoch(), -1, -1, options.batchSize()),
                options.validationX(), options.validationY(), options);
    }

    /** The epoch loop shared by both fits. Steps and samples per epoch are -1 when the source does not know them. */
    private History run(BatchSource source, TrainContext context, Tensor valX, Tensor valY, FitOptions options) {
        if (valX != null) checkSamples("fit (validation data)", valX, valY);
        List<Callback> callbacks = options.activeCallbacks();
        History history = new History();
        clearStopRequest();
        // The model is built before the first epoch starts its random stream, so weights come from the seed alone
        // (as in a loop), and before callbacks look at the layers.
        for (Callback c : callbacks) c.onTrainBegin(context);
        for (int epoch = options.initialEpoch(); epoch < options.epochs() && !stopRequested; epoch++) {
            for (Callback c : callbacks) c.onEpochBegin(epoch);
            setTraining(true);
            startEpoch(epoch);
            for (Metric m : metrics) m.reset();
            double lossSum = 0;
            long samples = 0;
            int step = 0;
            try (BatchIterator it = source.batches(epoch)) { // closed also when a batch or a callback throws
                for (; it.hasNext(); step++) {
                    Batch b = it.next();
                    float batchLoss = step(b.x(), b.y()).item();
                    lossSum += (double) batchLoss * b.size();
                    samples += b.size();
                    for (Metric m : metrics) m.update(b.y(), lastPrediction.detach());
                    for (Callback c : callbacks) c.onBatchEnd(step, batchLoss);
                }
            }
            lastPrediction = null;
            Map<String, Double> logs = new LinkedHashMap<>();
            logs.put("loss", lossSum / samples);
            for (Metric m : metrics) logs.put(m.name(), m.result());
            if (valX != null) {
                for (Map.Entry<String, Double> e : evaluate(valX, valY, Math.max(context.batchSize(), 256)).entrySet()) {
                    logs.put("val_" + e.getKey(), e.getValue());
                }
            }
            // Callbacks may add entries (e.g. gradient diagnostics) before the epoch enters the history.
            for (Callback c : callbacks) c.onEpochEnd(epoch, logs);
            history.record(logs);
        }
        setTraining(false);
        for (Callback c : callbacks) c.onTrainEnd(history);
        return history;
    }

    /** Loss and metrics over all of (x, y), in inference mode, without recording a graph. */
    public Map<String, Double> evaluate(Tensor x, Tensor y) {
        return evaluate(x, y, 256);
    }

    public Map<String, Double> evaluate(Tensor x, Tensor y, int batchSize) {
        requireCompiled("evaluate");
        checkSamples("evaluate", x, y);
        boolean wasTraining = isTraining();
        setTraining(false);
        // The same metric objects as training: fit reads the training values before it evaluates validation data.
        for (Metric m : metrics) m.reset();
        int n = x.dim(0);
        int batch = batchSize <= 0 ? n : Math.min(batchSize, n);
        double lossSum = 0;
        try (NoGrad ignored = Autograd.noGrad()) {
            for (int from = 0; from < n; from += batch) {
                int to = Math.min(n, from + batch);
                Tensor bx = x.slice(0, from, to), by = y.slice(0, from, to);
                Tensor p = apply(bx);
                lossSum += (double) loss.apply(by, p).item() * (to - from);
                for (Metric m : metrics) m.update(by, p);
            }
        } finally {
            setTraining(wasTraining);
        }
        Map<String, Double> result = new LinkedHashMap<>();
        result.put("loss", lossSum / n);
        for (Metric m : metrics) result.put(m.name(), m.result());
        return result;
    }

    /** The model's outputs for {@code x}, in inference mode, without recording a graph. */
    public Tensor predict(Tensor x) {
        return predict(x, 1024);
    }

    public Tensor predict(Tensor x, int batchSize) {
        int n = x.dim(0);
        int batch = batchSize <= 0 ? n : Math.min(batchSize, n);
        boolean wasTraining = isTraining();
        setTraining(false);
        try (NoGrad ignored = Autograd.noGrad()) {
            if (batch >= n) return apply(x.detach());
            List<Tensor> parts = new ArrayList<>();
            for (int from = 0; from < n; from += batch) parts.add(apply(x.slice(0, from, Math.min(n, from + batch))));
            return Tensor.concat(0, parts);
        } finally {
            setTraining(wasTraining);
        }
    }

    private void checkSamples(String op, Tensor x, Tensor y) {
        if (x.rank() == 0 || y.rank() == 0 || x.dim(0) != y.dim(0)) {
            throw new IllegalArgumentException(name() + "." + op + ": inputs " + Shape.str(x.shape()) + " and targets "
                    + Shape.str(y.shape()) + " must have the same number of samples (first axis)");
        }
        if (x.dim(0) == 0) throw new IllegalArgumentException(name() + "." + op + ": no samples");
    }

    /** Copies of every weight, in layer order (trainable and not), as Keras's get_weights. */
    public List<Tensor> getWeights() {
        List<Tensor> copies = new ArrayList<>();
        for (Weight w : weights()) copies.add(w.value().detach().copy());
        return copies;
    }

    /** Sets every weight, in the order of {@link #getWeights()}; shapes must match. */
    public void setWeights(List<Tensor> values) {
        List<Weight> ws = weights();
        if (ws.isEmpty()) throw new IllegalStateException(name() + ".setWeights: the model is not built yet; call buildFor(inputShape) or apply it once");
        if (values.size() != ws.size()) {
            throw new IllegalArgumentException(name() + ".setWeights: expected " + ws.size() + " tensors, got " + values.size());
        }
        for (int i = 0; i < ws.size(); i++) {
            Tensor target = ws.get(i).value();
            Tensor v = values.get(i);
            if (!Arrays.equals(target.shape(), v.shape())) {
                throw new IllegalArgumentException(name() + ".setWeights: " + ws.get(i).name() + " has shape " + Shape.str(target.shape())
                        + ", got " + Shape.str(v.shape()));
            }
            System.arraycopy(v.data(), 0, target.data(), 0, target.size());
        }
    }

    /** A Keras-style table of layers, output shapes and parameter counts; the model must be built. */
    public String summary() {
        return ModelSummary.of(this);
    }

    public void printSummary() {
        System.out.println(summary());
    }
}
