package dev.nabla.train;

import dev.nabla.autograd.Autograd;
import dev.nabla.autograd.StepArrays;
import dev.nabla.data.Batch;
import dev.nabla.data.BatchIterator;
import dev.nabla.data.BatchSource;
import dev.nabla.data.Batches;
import dev.nabla.data.Dataset;
import dev.nabla.data.Split;
import dev.nabla.kernels.RecycledArrays;
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
 * A model with several inputs or outputs (a {@link Functional} graph) takes its data as maps by input and output
 * name, or as lists in {@link #inputNames()} and {@link #outputNames()} order; each output may have its own loss,
 * weight in the total loss and metrics, and the history logs them per output ({@code main_loss},
 * {@code aux_accuracy}, the weighted total as {@code loss}), as Keras does:
 *
 * <pre>{@code
 * SymbolicTensor image = Input.of("image", 784), side = Input.of("side", 1);
 * SymbolicTensor h = Dense.of(32, Activation.RELU).call(new Concatenate().call(Dense.of(32).call(image), side));
 * Functional net = Model.of(List.of(image, side), Map.of("main", Dense.of(10).call(h), "aux", Dense.of(1).call(h)));
 * net.compile(Optimizers.adam(1e-3), Map.of("main", Losses.sparseCategoricalCrossentropy(true), "aux", Losses.mse()),
 *         Map.of("aux", 0.2), Map.of("main", List.of(Metrics.accuracy())));
 * Tensor images = Tensor.zeros(8, 784), sides = Tensor.zeros(8, 1), classes = Tensor.zeros(8), values = Tensor.zeros(8, 1);
 * History h2 = net.fit(Map.of("image", images, "side", sides), Map.of("main", classes, "aux", values), FitOptions.epochs(1));
 * Map<String, Tensor> out = net.predict(Map.of("image", images, "side", sides));   // "aux" and "main"
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
    /** The loss compile was given for every output; null when each output was given its own. */
    private Loss loss;
    /** What compile set for each output, in output order. */
    private List<Output> outputs = List.of();
    private boolean stopRequested;
    /**
     * The prediction of the last training step, for the metrics: its values only (detached), since a prediction still
     * in its graph would keep the step's every activation alive through the next step and into the old generation.
     */
    private Tensor lastPrediction;
    /** The predictions of the last training step with several tensors, in output order, detached as lastPrediction. */
    private List<Tensor> lastPredictions;

    /** One output's loss, its weight in the total loss, and its metrics. */
    private record Output(String name, Loss loss, double weight, List<Metric> metrics) {}

    /** Features and targets tensors in the model's input and output order, all with the same samples. */
    private record Data(List<Tensor> xs, List<Tensor> ys) {
        int samples() {
            return xs.get(0).dim(0);
        }
    }

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
        inInference(() -> forward(Tensor.zeros(probe)));
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

    /**
     * Sets the optimizer (bound to this model's trainable parameters), the loss and the metrics. With several
     * outputs the loss and the metrics apply to every output (each output gets its own metric objects, made again by
     * name with {@link Metrics#fromName}) and the training loss is the sum of the outputs' losses.
     */
    public Model compile(Optimizer optimizer, Loss loss, Metric... metrics) {
        if (optimizer == null || loss == null) throw new IllegalArgumentException(name() + ".compile: optimizer and loss are required");
        return compile(optimizer, loss, Map.of(), sameForEveryOutput(List.of(metrics)));
    }

    /** One loss for every output, weighted by {@code lossWeights} (by output name; 1 for an output not named). */
    public Model compile(Optimizer optimizer, Loss loss, Map<String, Double> lossWeights, Map<String, List<Metric>> metrics) {
        if (optimizer == null || loss == null) throw new IllegalArgumentException(name() + ".compile: optimizer and loss are required");
        Map<String, Loss> losses = new LinkedHashMap<>();
        for (String out : outputNames()) losses.put(out, loss);
        compile(optimizer, losses, lossWeights, metrics);
        this.loss = loss;
        return this;
    }

    /**
     * A loss per output (every output needs one), loss weights by output name (1 for an output not named) and
     * metrics by output name (none for an output not named), as Keras's {@code compile(loss={...},
     * loss_weights={...}, metrics={...})}: the training loss is the weighted sum of the outputs' losses, and the
     * history logs each output's loss and metrics as {@code <output>_loss} and {@code <output>_<metric>}.
     */
    public Model compile(Optimizer optimizer, Map<String, Loss> losses, Map<String, Double> lossWeights, Map<String, List<Metric>> metrics) {
        if (optimizer == null || losses == null) throw new IllegalArgumentException(name() + ".compile: optimizer and loss are required");
        Map<String, Double> weights = lossWeights == null ? Map.of() : lossWeights;
        Map<String, List<Metric>> byOutput = metrics == null ? Map.of() : metrics;
        List<String> names = outputNames();
        requireKnownOutputs("losses", losses.keySet());
        requireKnownOutputs("loss weights", weights.keySet());
        requireKnownOutputs("metrics", byOutput.keySet());
        List<Output> compiled = new ArrayList<>();
        for (String out : names) {
            Loss l = losses.get(out);
            if (l == null) throw new IllegalArgumentException(name() + ".compile: no loss for output " + out + " (the outputs are " + names + ")");
            double w = weights.getOrDefault(out, 1.0);
            if (!Double.isFinite(w) || w < 0) throw new IllegalArgumentException(name() + ".compile: loss weight of output " + out + " must be finite and not negative, got " + w);
            List<Metric> ms = new ArrayList<>();
            for (Metric m : byOutput.getOrDefault(out, List.of())) ms.add(Metrics.resolve(m, l));
            compiled.add(new Output(out, l, w, ms));
        }
        this.optimizer = optimizer.parameters(this::trainableParameters);
        this.loss = null;
        this.outputs = List.copyOf(compiled);
        if (compiled.size() == 1) this.loss = compiled.get(0).loss();
        return this;
    }

    /** The metrics for every output: the given objects for the first, objects made again by name for the others. */
    private Map<String, List<Metric>> sameForEveryOutput(List<Metric> given) {
        Map<String, List<Metric>> byOutput = new LinkedHashMap<>();
        for (String out : outputNames()) {
            List<Metric> ms = new ArrayList<>();
            for (Metric m : given) {
                if (byOutput.isEmpty()) {
                    ms.add(m);
                    continue;
                }
                try {
                    ms.add(Metrics.fromName(m.name()));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(name() + ".compile: metric " + m.name() + " cannot be made again for output " + out
                            + "; give each output its metrics with compile(optimizer, losses, lossWeights, Map.of(output, List.of(...)))", e);
                }
            }
            byOutput.put(out, ms);
        }
        return byOutput;
    }

    private void requireKnownOutputs(String what, java.util.Set<String> given) {
        for (String out : given) {
            if (!outputNames().contains(out)) {
                throw new IllegalArgumentException(name() + ".compile: " + what + ": unknown output " + out + " (the outputs are " + outputNames() + ")");
            }
        }
    }

    public Optimizer optimizer() {
        return optimizer;
    }

    /** The loss compile was given for every output; null when each output has its own (see {@link #losses()}). */
    public Loss loss() {
        return loss;
    }

    /** The metrics of a one-output model; with several outputs see {@link #outputMetrics()}. */
    public List<Metric> metrics() {
        return outputs.size() == 1 ? List.copyOf(outputs.get(0).metrics()) : List.of();
    }

    /** Each output's loss, by output name in output order (empty before compile). */
    public Map<String, Loss> losses() {
        Map<String, Loss> m = new LinkedHashMap<>();
        for (Output o : outputs) m.put(o.name(), o.loss());
        return m;
    }

    /** Each output's weight in the training loss, by output name in output order. */
    public Map<String, Double> lossWeights() {
        Map<String, Double> m = new LinkedHashMap<>();
        for (Output o : outputs) m.put(o.name(), o.weight());
        return m;
    }

    /** Each output's metrics, by output name in output order. */
    public Map<String, List<Metric>> outputMetrics() {
        Map<String, List<Metric>> m = new LinkedHashMap<>();
        for (Output o : outputs) m.put(o.name(), List.copyOf(o.metrics()));
        return m;
    }

    /** The names of the inputs, in the order {@link #apply(List)} and fit take them; one ("input") unless a graph says otherwise. */
    public List<String> inputNames() {
        return List.of("input");
    }

    /** The names of the outputs, in the order {@link #apply(List)} returns them; one ("output") unless a graph says otherwise. */
    public List<String> outputNames() {
        return List.of("output");
    }

    /** The outputs (in {@link #outputNames()} order) for the inputs (in {@link #inputNames()} order). */
    public List<Tensor> apply(List<Tensor> inputs) {
        if (inputs.size() != 1) throw new IllegalArgumentException(name() + " takes one input, got " + inputs.size());
        return List.of(apply(inputs.get(0)));
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
        if (optimizer == null || outputs.isEmpty()) {
            throw new IllegalStateException(name() + "." + what + ": call compile(optimizer, loss, metrics...) first");
        }
    }

    /** One optimizer step on one batch, in training mode; returns the batch loss. */
    public float trainStep(Tensor x, Tensor y) {
        requireCompiled("trainStep");
        setTraining(true);
        return step(x, y, null).item();
    }

    /** One optimizer step on one batch of several tensors (input and output order); returns the total loss. */
    public float trainStep(List<Tensor> xs, List<Tensor> ys) {
        requireCompiled("trainStep");
        setTraining(true);
        return step(xs, ys, new double[outputs.size()]);
    }

    private Tensor step(Tensor x, Tensor y, Tensor sampleWeights) {
        try (StepArrays.Scope arrays = stepArrays()) {
            Tensor prediction = apply(x);
            Output only = outputs.get(0);
            Tensor value = sampleWeights == null ? only.loss().apply(y, prediction) : SampleWeights.loss(only.loss(), y, prediction, sampleWeights);
            if (only.weight() != 1) value = value.mul((float) only.weight()); // a one-output model may be given a weight too
            arrays.endForward();
            arrays.keep(prediction);
            arrays.keep(value);
            optimizer.zeroGrad();
            value.backward();
            optimizer.step();
            lastPrediction = prediction.detach();
            return value;
        }
    }

    /**
     * The scope of a training step's arrays ({@link StepArrays}): one that recycles only when this model, each of its
     * layers and each loss is Nabla's own code, which keeps no value of a step past it.
     */
    private StepArrays.Scope stepArrays() {
        return keepsNothingPastAStep() ? StepArrays.open() : StepArrays.none();
    }

    /** Whether this model, each of its layers and each loss is Nabla's own code, which keeps no value of a step past it. */
    private boolean keepsNothingPastAStep() {
        for (Output o : outputs) if (!Autograd.writtenInNabla(o.loss())) return false;
        return allWrittenInNabla(this);
    }

    /** {@link #keepsNothingPastAStep}, and no metric keeps a target either: a batch's arrays may then carry a later batch. */
    private boolean keepsNoBatchPastAStep() {
        for (Output o : outputs) for (Metric m : o.metrics()) if (!Autograd.writtenInNabla(m)) return false;
        return keepsNothingPastAStep();
    }

    private static boolean allWrittenInNabla(Layer layer) {
        if (!Autograd.writtenInNabla(layer)) return false;
        for (Layer child : layer.children()) if (!allWrittenInNabla(child)) return false;
        return true;
    }

    /** The step with several tensors: the loss is the weighted sum of the outputs' losses, each stored in {@code outputLosses}. */
    private float step(List<Tensor> xs, List<Tensor> ys, double[] outputLosses) {
        if (ys.size() != outputs.size()) {
            throw new IllegalArgumentException(name() + ": a batch with " + ys.size() + " targets tensor(s) for " + outputs.size() + " outputs " + outputNames());
        }
        try (StepArrays.Scope arrays = stepArrays()) {
            List<Tensor> predictions = apply(xs);
            Tensor total = null;
            for (int i = 0; i < outputs.size(); i++) {
                Output o = outputs.get(i);
                Tensor value = o.loss().apply(ys.get(i), predictions.get(i));
                outputLosses[i] = value.item();
                Tensor weighted = o.weight() == 1 ? value : value.mul((float) o.weight());
                total = total == null ? weighted : total.add(weighted);
            }
            arrays.endForward();
            predictions.forEach(arrays::keep);
            optimizer.zeroGrad();
            total.backward();
            optimizer.step();
            lastPredictions = predictions.stream().map(Tensor::detach).toList();
            return total.item();
        }
    }

    /**
     * Trains for {@code options.epochs()} epochs and returns the per-epoch loss and metrics (and their
     * {@code val_} versions with validation). Steps per epoch: ceil(samples / batch size).
     */
    public History fit(Tensor x, Tensor y, FitOptions options) {
        requireCompiled("fit");
        requireOneInputAndOutput("fit");
        checkSamples("fit", x, y);
        return fit(new Data(List.of(x), List.of(y)), options);
    }

    /**
     * Trains a model with several inputs and/or outputs: {@code x} by input name, {@code y} by output name (see
     * {@link #inputNames()}, {@link #outputNames()}); every input and output must be given, and no other name.
     */
    public History fit(Map<String, Tensor> x, Map<String, Tensor> y, FitOptions options) {
        return fit(inputsInOrder("fit", x), outputsInOrder("fit", y), options);
    }

    /**
     * Trains a model with several inputs and/or outputs, the tensors in input and output order; shuffling draws one
     * row order for all of them, so their rows stay aligned.
     */
    public History fit(List<Tensor> x, List<Tensor> y, FitOptions options) {
        requireCompiled("fit");
        return fit(checked("fit", new Data(x, y)), options);
    }

    /**
     * The fit of checked in-memory data: holds out the validation split, then batches one row order for every
     * tensor; one features and one targets tensor give one-tensor batches (the step that makes no lists).
     */
    private History fit(Data train, FitOptions options) {
        Data validation = validation(options);
        Tensor weights = SampleWeights.checked(name(), options, train.samples(), train.xs().size() == 1 && train.ys().size() == 1);
        if (options.validationSplit() > 0) {
            int n = train.samples(), nVal = Split.heldOutRows(n, options.validationSplit(), name() + ".fit");
            validation = new Data(rows(train.xs(), n - nVal, n), rows(train.ys(), n - nVal, n));
            train = new Data(rows(train.xs(), 0, n - nVal), rows(train.ys(), 0, n - nVal));
            if (weights != null) weights = weights.slice(0, 0, n - nVal).detach();
        }
        int n = train.samples();
        int batch = options.batchSize() == FitOptions.FULL_BATCH ? n : Math.min(options.batchSize(), n);
        int steps = (n + batch - 1) / batch;
        if (!isBuilt()) buildFor(train.xs().get(0).slice(0, 0, 1).shape());
        BatchSource source = weights != null ? SampleWeights.batches(train.xs().get(0), train.ys().get(0), weights, batch, options.shuffle(), options.seed())
                : train.xs().size() == 1 && train.ys().size() == 1
                ? new Dataset(train.xs().get(0), train.ys().get(0)).batches(batch, options.shuffle(), options.seed())
                : Batches.of(train.xs(), train.ys(), batch, options.shuffle(), options.seed());
        return run(source, new TrainContext(this, options.epochs(), options.initialEpoch(), steps, n, batch), validation, options);
    }

    /** Rows [from, to) of each tensor, as copies (the validation split holds out the last rows, as Keras). */
    private static List<Tensor> rows(List<Tensor> tensors, int from, int to) {
        List<Tensor> out = new ArrayList<>();
        for (Tensor t : tensors) out.add(t.slice(0, from, to).detach());
        return out;
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
        if (options.sampleWeights() != null) throw new IllegalArgumentException(name() + ".fit: a stream's weights come with its batches (Batch(x, y, weights)), not FitOptions.sampleWeights");
        try (BatchIterator first = source.batches(options.initialEpoch())) { // a peek: the pass must not stay open
            if (!first.hasNext()) throw new IllegalArgumentException(name() + ".fit: the batch source is empty");
            if (!isBuilt()) buildFor(first.next().xs().get(0).slice(0, 0, 1).shape());
        }
        return run(source, new TrainContext(this, options.epochs(), options.initialEpoch(), -1, -1, options.batchSize()),
                validation(options), options);
    }

    /** The validation data the options give (as one tensor each, as lists or by name), or null. */
    private Data validation(FitOptions options) {
        if (options.validationX() != null) return new Data(List.of(options.validationX()), List.of(options.validationY()));
        if (options.validationXs() != null) return new Data(options.validationXs(), options.validationYs());
        if (options.validationXByName() != null) {
            return new Data(inputsInOrder("fit (validation data)", options.validationXByName()), outputsInOrder("fit (validation data)", options.validationYByName()));
        }
        return null;
    }

    /**
     * Every fit runs the shared {@link EpochLoop}; steps and samples per epoch are -1 when the source does not know
     * them.
     */
    private History run(BatchSource source, TrainContext context, Data validation, FitOptions options) {
        if (validation != null) checked("fit (validation data)", validation);
        double[] stepLosses = new double[outputs.size()];
        // The model is built before the first epoch starts its random stream, so weights come from the seed alone
        // (as in a loop), and before callbacks look at the layers.
        try {
            return EpochLoop.run(context, options, (epoch, steps) -> trainEpoch(source, epoch, steps, stepLosses),
                    validation == null ? null : () -> evaluate(validation, Math.max(context.batchSize(), 256)));
        } finally {
            RecycledArrays.clear(); // the steps' arrays are not asked for again soon: the collector may have them
        }
    }

    /**
     * One epoch over the source's batches, in training mode; returns the epoch's logs. A batch of one features and
     * one targets tensor takes the one-tensor step, which makes no lists.
     */
    private Map<String, Double> trainEpoch(BatchSource source, int epoch, EpochLoop.Steps steps, double[] stepLosses) {
        setTraining(true);
        startEpoch(epoch);
        for (Output o : outputs) for (Metric m : o.metrics()) m.reset();
        double lossSum = 0;
        double[] outputLossSums = new double[outputs.size()];
        List<Metric> oneOutputMetrics = outputs.size() == 1 ? outputs.get(0).metrics() : List.of(); // the one-tensor step's
        long samples = 0;
        int step = 0;
        boolean batchesReusable = keepsNoBatchPastAStep();
        try (BatchIterator it = source.batches(epoch)) { // closed also when a batch or a callback throws
            for (; it.hasNext(); step++) {
                Batch b = it.next();
                float batchLoss;
                if (b.single()) {
                    batchLoss = step(b.x(), b.y(), b.sampleWeights()).item();
                    for (Metric m : oneOutputMetrics) m.update(b.y(), lastPrediction);
                } else {
                    batchLoss = step(b.xs(), b.ys(), stepLosses);
                    for (int i = 0; i < outputs.size(); i++) {
                        outputLossSums[i] += stepLosses[i] * b.size();
                        for (Metric m : outputs.get(i).metrics()) m.update(b.ys().get(i), lastPredictions.get(i));
                    }
                }
                lossSum += (double) batchLoss * b.size();
                samples += b.size();
                if (batchesReusable) it.done(b);
                steps.stepEnded(step, batchLoss);
            }
        }
        lastPrediction = null;
        lastPredictions = null;
        for (int i = 0; i < outputLossSums.length; i++) outputLossSums[i] /= samples;
        return logs(lossSum / samples, outputLossSums);
    }

    /**
     * The logs of an epoch or an evaluation, named as Keras names them: "loss" (the total), then with several
     * outputs each output's "<output>_loss", then the metrics ("accuracy", or "<output>_accuracy" with several).
     */
    private Map<String, Double> logs(double loss, double[] outputLosses) {
        Map<String, Double> logs = new LinkedHashMap<>();
        logs.put("loss", loss);
        boolean several = outputs.size() > 1;
        if (several) for (int i = 0; i < outputs.size(); i++) logs.put(outputs.get(i).name() + "_loss", outputLosses[i]);
        for (Output o : outputs) {
            for (Metric m : o.metrics()) logs.put(several ? o.name() + "_" + m.name() : m.name(), m.result());
        }
        return logs;
    }

    /** Loss and metrics over all of (x, y), in inference mode, without recording a graph. */
    public Map<String, Double> evaluate(Tensor x, Tensor y) {
        return evaluate(x, y, 256);
    }

    public Map<String, Double> evaluate(Tensor x, Tensor y, int batchSize) {
        requireCompiled("evaluate");
        requireOneInputAndOutput("evaluate");
        checkSamples("evaluate", x, y);
        return evaluate(new Data(List.of(x), List.of(y)), batchSize);
    }

    /** The total loss, each output's loss and metrics (names as in the history), by input and output name. */
    public Map<String, Double> evaluate(Map<String, Tensor> x, Map<String, Tensor> y) {
        return evaluate(inputsInOrder("evaluate", x), outputsInOrder("evaluate", y));
    }

    /** As {@link #evaluate(Map, Map)}, the tensors in input and output order. */
    public Map<String, Double> evaluate(List<Tensor> x, List<Tensor> y) {
        return evaluate(x, y, 256);
    }

    public Map<String, Double> evaluate(List<Tensor> x, List<Tensor> y, int batchSize) {
        requireCompiled("evaluate");
        return evaluate(checked("evaluate", new Data(x, y)), batchSize);
    }

    private Map<String, Double> evaluate(Data data, int batchSize) {
        // The same metric objects as training: fit reads the training values before it evaluates validation data.
        for (Output o : outputs) for (Metric m : o.metrics()) m.reset();
        int n = data.samples();
        int batch = batchSize <= 0 ? n : Math.min(batchSize, n);
        double[] outputLosses = new double[outputs.size()];
        double lossSum = inInference(() -> {
            double sum = 0;
            for (int from = 0; from < n; from += batch) {
                int to = Math.min(n, from + batch);
                List<Tensor> by = slices(data.ys(), from, to);
                List<Tensor> p = apply(slices(data.xs(), from, to));
                for (int i = 0; i < outputs.size(); i++) {
                    Output o = outputs.get(i);
                    double value = o.loss().apply(by.get(i), p.get(i)).item();
                    outputLosses[i] += value * (to - from);
                    sum += o.weight() * value * (to - from);
                    for (Metric m : o.metrics()) m.update(by.get(i), p.get(i));
                }
            }
            return sum;
        });
        for (int i = 0; i < outputLosses.length; i++) outputLosses[i] /= n;
        return logs(lossSum / n, outputLosses);
    }

    private static List<Tensor> slices(List<Tensor> tensors, int from, int to) {
        List<Tensor> out = new ArrayList<>(tensors.size());
        for (Tensor t : tensors) out.add(t.slice(0, from, to));
        return out;
    }

    /** The model's outputs for {@code x}, in inference mode, without recording a graph. */
    public Tensor predict(Tensor x) {
        return predict(x, 1024);
    }

    public Tensor predict(Tensor x, int batchSize) {
        requireOneInputAndOutput("predict");
        int n = x.dim(0);
        int batch = batchSize <= 0 ? n : Math.min(batchSize, n);
        return inInference(() -> {
            if (batch >= n) return apply(x.detach());
            List<Tensor> parts = new ArrayList<>();
            for (int from = 0; from < n; from += batch) parts.add(apply(x.slice(0, from, Math.min(n, from + batch))));
            return Tensor.concat(0, parts);
        });
    }

    /** The outputs by name for the inputs by name, in inference mode, without recording a graph. */
    public Map<String, Tensor> predict(Map<String, Tensor> x) {
        List<Tensor> outs = predict(inputsInOrder("predict", x));
        Map<String, Tensor> byName = new LinkedHashMap<>();
        for (int i = 0; i < outs.size(); i++) byName.put(outputNames().get(i), outs.get(i));
        return byName;
    }

    /** The outputs in output order for the inputs in input order. */
    public List<Tensor> predict(List<Tensor> x) {
        return predict(x, 1024);
    }

    public List<Tensor> predict(List<Tensor> x, int batchSize) {
        checkInputs("predict", x);
        int n = x.get(0).dim(0);
        int batch = batchSize <= 0 ? n : Math.min(batchSize, n);
        return inInference(() -> {
            List<List<Tensor>> parts = new ArrayList<>();
            for (int from = 0; from < n; from += batch) parts.add(apply(slices(x, from, Math.min(n, from + batch))));
            List<Tensor> outs = new ArrayList<>();
            for (int i = 0; i < parts.get(0).size(); i++) {
                List<Tensor> pieces = new ArrayList<>();
                for (List<Tensor> p : parts) pieces.add(p.get(i));
                outs.add(pieces.size() == 1 ? pieces.get(0) : Tensor.concat(0, pieces));
            }
            return outs;
        });
    }

    /** The one-tensor fit, evaluate and predict need one input and one output. */
    private void requireOneInputAndOutput(String op) {
        if (inputNames().size() != 1 || outputNames().size() != 1) {
            throw new IllegalArgumentException(name() + "." + op + ": the model has inputs " + inputNames() + " and outputs " + outputNames()
                    + "; pass a Map by name or a List in that order");
        }
    }

    private List<Tensor> inputsInOrder(String op, Map<String, Tensor> given) {
        return inOrder(op, "input", given, inputNames());
    }

    private List<Tensor> outputsInOrder(String op, Map<String, Tensor> given) {
        return inOrder(op, "output", given, outputNames());
    }

    /** The tensors of {@code given} in the order of {@code names}; a missing or unknown name is refused, naming the known ones. */
    private List<Tensor> inOrder(String op, String kind, Map<String, Tensor> given, List<String> names) {
        for (String name : given.keySet()) {
            if (!names.contains(name)) throw new IllegalArgumentException(name() + "." + op + ": unknown " + kind + " " + name + " (the " + kind + "s are " + names + ")");
        }
        List<Tensor> ordered = new ArrayList<>();
        for (String name : names) {
            Tensor t = given.get(name);
            if (t == null) throw new IllegalArgumentException(name() + "." + op + ": missing " + kind + " " + name + " (the " + kind + "s are " + names + ")");
            ordered.add(t);
        }
        return ordered;
    }

    /** One tensor per input and per output, every one with the same number of samples (first axis), at least one. */
    private Data checked(String op, Data data) {
        checkInputs(op, data.xs());
        checkCount(op, "output", data.ys(), outputNames());
        int n = data.samples();
        for (int i = 0; i < data.ys().size(); i++) checkSamples(op, "output", outputNames().get(i), data.ys().get(i), n, inputNames().get(0));
        return data;
    }

    private void checkInputs(String op, List<Tensor> xs) {
        checkCount(op, "input", xs, inputNames());
        Tensor first = xs.get(0);
        if (first.rank() == 0) throw new IllegalArgumentException(name() + "." + op + ": input " + inputNames().get(0) + " is a scalar; it needs a first (samples) axis");
        if (first.dim(0) == 0) throw new IllegalArgumentException(name() + "." + op + ": no samples");
        for (int i = 1; i < xs.size(); i++) checkSamples(op, "input", inputNames().get(i), xs.get(i), first.dim(0), inputNames().get(0));
    }

    private void checkCount(String op, String kind, List<Tensor> given, List<String> names) {
        if (given.size() != names.size()) {
            throw new IllegalArgumentException(name() + "." + op + ": the model has " + names.size() + " " + kind + "(s) " + names + ", got " + given.size() + " tensor(s)");
        }
    }

    private void checkSamples(String op, String kind, String name, Tensor t, int n, String firstInput) {
        if (t.rank() == 0 || t.dim(0) != n) {
            throw new IllegalArgumentException(name() + "." + op + ": " + kind + " " + name + " " + Shape.str(t.shape()) + " has "
                    + (t.rank() == 0 ? "no samples axis" : t.dim(0) + " samples") + " but input " + firstInput + " has " + n + " (first axis)");
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

    /**
     * Loads a PyTorch {@code state_dict} saved with {@code safetensors.torch.save_file}, each layer taking the
     * parameters of the module of its name (layouts converted, e.g. Linear's weight transposed); strict, as PyTorch's
     * {@code load_state_dict}: see {@link PytorchWeights}. The model must be built.
     */
    public void loadPytorchWeights(java.nio.file.Path file) {
        PytorchWeights.load(this, file, Map.of());
    }

    /** As {@link #loadPytorchWeights(java.nio.file.Path)}, with {@code modules} mapping PyTorch module paths to layer names. */
    public void loadPytorchWeights(java.nio.file.Path file, Map<String, String> modules) {
        PytorchWeights.load(this, file, modules);
    }

    /** A Keras-style table of layers, output shapes and parameter counts; the model must be built. */
    public String summary() {
        return ModelSummary.of(this);
    }

    public void printSummary() {
        System.out.println(summary());
    }
}
