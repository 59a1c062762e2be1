package dev.nabla.train;

import dev.nabla.io.AtomicFiles;
import dev.nabla.io.Json;
import dev.nabla.io.JsonFields;
import dev.nabla.io.SafeTensors;
import dev.nabla.nn.Layer;
import dev.nabla.nn.Loss;
import dev.nabla.nn.SymbolicTensor;
import dev.nabla.nn.Weight;
import dev.nabla.nn.losses.Losses;
import dev.nabla.optim.Optimizer;
import dev.nabla.optim.Optimizers;
import dev.nabla.tensor.Tensor;
import dev.nabla.train.metrics.Metric;
import dev.nabla.train.metrics.Metrics;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * One file per model: a zip holding
 * <ul>
 *   <li>{@code config.json}: format marker and version, the architecture (layer configs), input shape, loss,
 *       optimizer, metric names (with several outputs: losses, loss weights and metric names by output) and any
 *       preprocessing (e.g. a fitted scaler);</li>
 *   <li>{@code model.safetensors}: the weights by name ({@code "dense/kernel"}), readable by Python's safetensors;</li>
 *   <li>{@code optimizer.safetensors}: the optimizer state by weight name ({@code "dense/kernel/m"}), its step
 *       count in the metadata, so training resumes exactly;</li>
 *   <li>{@code metadata.json}: Nabla version, creation time, layer seeds, epochs completed, training history.</li>
 * </ul>
 * Every entry carries the zip CRC-32, checked on load, so a corrupted file is refused rather than half-read.
 * Saving is atomic (temporary file, fsync, rename): a crash never leaves a half-written model.
 *
 * <pre>{@code
 * ModelFile.save(Path.of("iris.nabla"), new SavedModel(model, preprocessing, history, Map.of()));
 * SavedModel restored = ModelFile.load(Path.of("iris.nabla"));
 * Tensor p = restored.model().predict(x);
 * }</pre>
 */
public final class ModelFile {

    /** Written in config.json; a file without it is not a Nabla model. */
    public static final String FORMAT = "nabla-model";
    /** 2: the optimizer state is keyed by weight name and its step count is exact (1 keyed it by position). */
    public static final int FORMAT_VERSION = 2;
    public static final String VERSION = "0.1.0";

    private static final String CONFIG = "config.json";
    private static final String WEIGHTS = "model.safetensors";
    private static final String OPTIMIZER = "optimizer.safetensors";
    private static final String METADATA = "metadata.json";
    /** The optimizer's step count: metadata of optimizer.safetensors (format 2), a float32 tensor in format 1. */
    private static final String ITERATIONS = "iterations";

    private ModelFile() {}

    /** Saves a compiled or plain model with no extras. */
    public static void save(Path path, Model model) {
        save(path, new SavedModel(model, Map.of(), null, Map.of()));
    }

    /** Saves the model, its optimizer state, preprocessing, history and metadata, atomically. */
    public static void save(Path path, SavedModel saved) {
        AtomicFiles.write(path, toBytes(saved));
    }

    /** The bytes {@link #save} writes (e.g. to ship a model to other machines). */
    public static byte[] toBytes(SavedModel saved) {
        Model model = saved.model();
        if (!model.isBuilt()) throw new IllegalStateException("save: " + model.name() + " is not built; fit it or call buildFor(inputShape)");
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("format", FORMAT);
        config.put("format_version", FORMAT_VERSION);
        config.put("model", model.config());
        Map<String, int[]> inputShapes = inputShapes(model);
        if (inputShapes.size() == 1) {
            config.put("input_shape", model.inputShape());
        } else {
            config.put("input_shapes", inputShapes); // each input's, by name: input_shape would be the first one's only
        }
        putCompiled(config, model);
        config.put("preprocessing", saved.preprocessing());

        Map<String, Tensor> weights = new LinkedHashMap<>();
        for (Weight w : model.weights()) {
            if (weights.put(w.name(), w.value()) != null) {
                throw new IllegalStateException("save: two weights are named " + w.name() + "; give the layers distinct names");
            }
        }
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("nabla_version", VERSION);
        metadata.put("created", Instant.now().toString());
        Map<String, Object> seeds = new LinkedHashMap<>();
        collectSeeds(model, seeds);
        metadata.put("layer_seeds", seeds);
        if (saved.history() != null) {
            metadata.put("epochs_completed", saved.history().epochs());
            metadata.put("history", saved.history().metrics());
        }
        metadata.putAll(saved.metadata());

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            put(zip, CONFIG, Json.writePretty(config).getBytes(StandardCharsets.UTF_8));
            put(zip, WEIGHTS, SafeTensors.write(weights, Map.of("format", "pt")));
            if (model.optimizer() != null) put(zip, OPTIMIZER, optimizerState(model.optimizer(), weights));
            put(zip, METADATA, Json.writePretty(metadata).getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * What compile set. One output: "loss", "optimizer", "metrics" (metric names). Several outputs: "losses" and
     * "loss_weights" by output name, "optimizer", and "output_metrics" (metric names by output name).
     */
    private static void putCompiled(Map<String, Object> config, Model model) {
        if (model.outputNames().size() == 1 || model.losses().isEmpty()) {
            if (model.loss() != null) config.put("loss", model.loss().config());
            if (model.optimizer() != null) config.put("optimizer", model.optimizer().config());
            config.put("metrics", metricNames(model.metrics()));
            return;
        }
        Map<String, Object> losses = new LinkedHashMap<>();
        model.losses().forEach((out, loss) -> losses.put(out, loss.config()));
        config.put("losses", losses);
        config.put("loss_weights", model.lossWeights());
        config.put("optimizer", model.optimizer().config());
        Map<String, Object> metrics = new LinkedHashMap<>();
        model.outputMetrics().forEach((out, ms) -> metrics.put(out, metricNames(ms)));
        config.put("output_metrics", metrics);
    }

    private static List<String> metricNames(List<Metric> metrics) {
        List<String> names = new ArrayList<>();
        for (Metric m : metrics) names.add(m.name());
        return names;
    }

    private static void collectSeeds(Layer layer, Map<String, Object> seeds) {
        seeds.put(layer.name(), Long.toString(layer.seedValue()));
        for (Layer child : layer.children()) collectSeeds(child, seeds);
    }

    private static void put(ZipOutputStream zip, String name, byte[] data) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setTime(0); // reproducible bytes for the same model
        zip.putNextEntry(e);
        zip.write(data);
        zip.closeEntry();
    }

    /**
     * Loads a model file: the model rebuilt and its weights set (predictions equal the saved model's bit for
     * bit), compiled with the saved loss, metrics and optimizer state when it was compiled.
     *
     * @throws IllegalArgumentException naming the file when it is not a Nabla model, truncated or corrupted
     */
    public static SavedModel load(Path path) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(path + ": no such model file");
        } catch (IOException e) {
            throw new UncheckedIOException(path + ": cannot read", e);
        }
        return fromBytes(bytes, path.toString());
    }

    /** Reads the bytes of a model file; {@code origin} names them in error messages. */
    public static SavedModel fromBytes(byte[] bytes, String origin) {
        Map<String, byte[]> entries = unzip(origin, bytes);
        byte[] configBytes = entries.get(CONFIG);
        if (configBytes == null) throw new IllegalArgumentException(origin + ": not a Nabla model file (no " + CONFIG + ")");
        String configName = origin + "!" + CONFIG, metadataName = origin + "!" + METADATA;
        JsonFields config = new JsonFields(Json.parseObject(new String(configBytes, StandardCharsets.UTF_8), configName), "");
        if (!FORMAT.equals(config.map().get("format"))) {
            throw new IllegalArgumentException(origin + ": not a Nabla model file (format is " + JsonFields.show(config.map().get("format")) + ")");
        }
        long version = inEntry(configName, () -> config.requirePositiveInt("format_version"));
        if (version > FORMAT_VERSION) {
            throw new IllegalArgumentException(origin + ": model format version " + version + " is newer than this Nabla reads (" + FORMAT_VERSION + ")");
        }
        byte[] weightBytes = require(origin, entries, WEIGHTS);
        JsonFields metadata = new JsonFields(Json.parseObject(new String(require(origin, entries, METADATA), StandardCharsets.UTF_8), metadataName), "");
        Map<String, Long> seeds = inEntry(metadataName, () -> seeds(metadata));
        History history = inEntry(metadataName, () -> history(metadata));

        Model model = inEntry(configName, () -> architecture(config, seeds));
        setWeights(model, SafeTensors.read(weightBytes, origin + "!" + WEIGHTS), origin);
        if ((config.has("loss") || config.has("losses")) && config.has("optimizer")) {
            inEntry(configName, () -> compile(model, config));
            byte[] state = entries.get(OPTIMIZER);
            if (state != null) loadOptimizerState(model, state, version, origin + "!" + OPTIMIZER);
        }
        model.setTraining(false);
        Map<String, Object> preprocessing = inEntry(configName, () -> {
            JsonFields p = config.optionalObject("preprocessing");
            return p == null ? Map.<String, Object>of() : p.object();
        });
        return new SavedModel(model, preprocessing, history, metadata.object());
    }

    private static void setWeights(Model model, Map<String, Tensor> saved, String origin) {
        for (Weight w : model.weights()) {
            Tensor t = saved.get(w.name());
            if (t == null) throw new IllegalArgumentException(origin + ": weight " + w.name() + " is missing from " + WEIGHTS);
            if (!java.util.Arrays.equals(t.shape(), w.value().shape())) {
                throw new IllegalArgumentException(origin + ": weight " + w.name() + " has shape " + java.util.Arrays.toString(t.shape())
                        + " but the architecture needs " + java.util.Arrays.toString(w.value().shape()));
            }
            System.arraycopy(t.data(), 0, w.value().data(), 0, t.size());
        }
    }

    /** Runs one reading step; a bad field's error gets the entry's name in front ({@code m.nabla!config.json: model.layers[2].units: ...}). */
    private static <T> T inEntry(String entry, java.util.function.Supplier<T> step) {
        try {
            return step.get();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(entry + ": " + e.getMessage(), e);
        }
    }

    /** Each input's shape with a batch of 1, by input name: a graph's from its inputs, another model's as built. */
    private static Map<String, int[]> inputShapes(Model model) {
        Map<String, int[]> shapes = new LinkedHashMap<>();
        if (model instanceof Functional graph) {
            for (SymbolicTensor in : graph.inputs()) shapes.put(in.name(), in.shapeWithBatch(1));
        } else {
            shapes.put(model.inputNames().get(0), model.inputShape());
        }
        return shapes;
    }

    /**
     * The model the config describes, seeded as saved and built for the saved input shape (weights not yet set). A
     * graph is built by its config; the saved shapes (input_shape, or input_shapes with several inputs) must be its
     * inputs'.
     */
    private static Model architecture(JsonFields config, Map<String, Long> seeds) {
        Model model = Models.fromConfig(config.requireObject("model").object(), "model");
        restoreSeeds(model, seeds);
        if (model instanceof Functional graph) {
            checkInputShapes(graph, config);
            return model;
        }
        int[] inputShape = config.requirePositiveShape("input_shape");
        try {
            model.buildFor(inputShape);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the model does not fit input_shape " + java.util.Arrays.toString(inputShape) + ": " + e.getMessage(), e);
        }
        return model;
    }

    private static void checkInputShapes(Functional graph, JsonFields config) {
        Map<String, int[]> saved = new LinkedHashMap<>();
        Map<String, String> fields = new LinkedHashMap<>();
        if (graph.inputs().size() == 1) {
            saved.put(graph.inputNames().get(0), config.requirePositiveShape("input_shape"));
            fields.put(graph.inputNames().get(0), "input_shape");
        } else {
            JsonFields shapes = config.requireObject("input_shapes");
            for (Object key : shapes.map().keySet()) {
                String name = String.valueOf(key);
                saved.put(name, shapes.requirePositiveShape(name));
                fields.put(name, shapes.path(name));
            }
        }
        Map<String, int[]> expected = inputShapes(graph);
        for (Map.Entry<String, int[]> e : expected.entrySet()) {
            int[] s = saved.remove(e.getKey());
            if (s == null) throw new IllegalArgumentException("input_shapes: no shape for input " + e.getKey());
            if (!java.util.Arrays.equals(s, e.getValue())) {
                throw new IllegalArgumentException(fields.get(e.getKey()) + " is " + java.util.Arrays.toString(s) + " but the graph's input "
                        + e.getKey() + " is " + java.util.Arrays.toString(e.getValue()));
            }
        }
        if (!saved.isEmpty()) {
            throw new IllegalArgumentException("input_shapes: unknown input " + saved.keySet().iterator().next() + " (the inputs are " + graph.inputNames() + ")");
        }
    }

    /** Compiles the model with the saved optimizer, loss(es) and metrics; returns the optimizer, its state not yet loaded. */
    private static Optimizer compile(Model model, JsonFields config) {
        Optimizer optimizer = Optimizers.fromConfig(config.requireObject("optimizer").object());
        if (config.has("losses")) {
            JsonFields lf = config.requireObject("losses"), wf = config.optionalObject("loss_weights"), mf = config.optionalObject("output_metrics");
            Map<String, Loss> losses = new LinkedHashMap<>();
            for (Object out : lf.map().keySet()) losses.put(String.valueOf(out), Losses.fromConfig(lf.map().get(out), lf.path(String.valueOf(out))));
            Map<String, Double> weights = new LinkedHashMap<>();
            if (wf != null) for (Object out : wf.map().keySet()) weights.put(String.valueOf(out), wf.requireDouble(String.valueOf(out)));
            Map<String, List<Metric>> metrics = new LinkedHashMap<>();
            if (mf != null) for (Object out : mf.map().keySet()) metrics.put(String.valueOf(out), metrics(mf, String.valueOf(out)));
            try {
                model.compile(optimizer, losses, weights, metrics);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("losses: " + e.getMessage(), e);
            }
            return optimizer;
        }
        Loss loss = Losses.fromConfig(config.map().get("loss"), "loss");
        model.compile(optimizer, loss, metrics(config, "metrics").toArray(new Metric[0]));
        return optimizer;
    }

    /** The metrics named by the array field {@code key} of {@code f} (absent: none). */
    private static List<Metric> metrics(JsonFields f, String key) {
        List<?> names = f.optionalList(key);
        List<Metric> metrics = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            String where = f.path(key) + "[" + i + "]";
            if (!(names.get(i) instanceof String name)) throw new IllegalArgumentException(where + ": expected a metric name, got " + JsonFields.show(names.get(i)));
            try {
                metrics.add(Metrics.fromName(name));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
            }
        }
        return metrics;
    }

    /** The saved layer seeds by layer name (written as strings, since JSON readers may round large integers). */
    private static Map<String, Long> seeds(JsonFields metadata) {
        Map<String, Long> seeds = new LinkedHashMap<>();
        JsonFields s = metadata.optionalObject("layer_seeds");
        if (s == null) return seeds;
        for (Map.Entry<?, ?> e : s.map().entrySet()) {
            String layer = String.valueOf(e.getKey());
            try {
                if (e.getValue() instanceof String || e.getValue() instanceof Long) seeds.put(layer, Long.parseLong(String.valueOf(e.getValue())));
                else throw new NumberFormatException();
            } catch (NumberFormatException notANumber) {
                throw s.error(layer, "expected an integer seed, got " + JsonFields.show(e.getValue()));
            }
        }
        return seeds;
    }

    /** The training history, null if none was saved; non-finite values (a diverged loss) come back as NaN or infinity. */
    private static History history(JsonFields metadata) {
        JsonFields h = metadata.optionalObject("history");
        if (h == null) return null;
        int epochs = metadata.has("epochs_completed") ? metadata.requireInt("epochs_completed") : 0;
        if (epochs < 0) throw metadata.error("epochs_completed", "expected a non-negative integer, got " + epochs);
        Map<String, List<?>> series = new LinkedHashMap<>();
        for (Object key : h.map().keySet()) {
            String k = String.valueOf(key);
            List<?> values = h.requireList(k);
            if (values.size() < epochs) {
                throw h.error(k, "has " + values.size() + " values but epochs_completed is " + epochs);
            }
            for (int e = 0; e < epochs; e++) {
                if (!(values.get(e) instanceof Number)) throw h.error(k + "[" + e + "]", "expected a number, got " + JsonFields.show(values.get(e)));
            }
            series.put(k, values);
        }
        History history = new History();
        for (int e = 0; e < epochs; e++) {
            Map<String, Double> logs = new LinkedHashMap<>();
            for (Map.Entry<String, List<?>> s : series.entrySet()) logs.put(s.getKey(), ((Number) s.getValue().get(e)).doubleValue());
            history.record(logs);
        }
        return history;
    }

    /** The optimizer's state by weight name ("dense/kernel/m"), its step count exact in the metadata. */
    private static byte[] optimizerState(Optimizer optimizer, Map<String, Tensor> weights) {
        return SafeTensors.write(optimizer.state(weights), Map.of(ITERATIONS, Long.toString(optimizer.iterations())));
    }

    /** Restores {@link #optimizerState}; a format 1 file keyed it by position among the trainable parameters. */
    private static void loadOptimizerState(Model model, byte[] bytes, long version, String source) {
        Map<String, Tensor> state = SafeTensors.read(bytes, source);
        Map<String, Tensor> weights = Weight.byName(model.weights());
        long iterations;
        if (version < 2) {
            Tensor it = state.remove(ITERATIONS);
            if (it == null) throw new IllegalArgumentException(source + ": no \"" + ITERATIONS + "\" entry");
            iterations = (long) it.item();
            state = namedByPosition(state, model, source);
        } else {
            String it = SafeTensors.metadata(bytes, source).get(ITERATIONS);
            try {
                iterations = Long.parseLong(String.valueOf(it));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(source + ": metadata \"" + ITERATIONS + "\" must be a whole number, got " + it);
            }
        }
        try {
            model.optimizer().setIterations(iterations);
            model.optimizer().loadState(state, weights);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
        }
    }

    /** Format 1 state keys, "<slot>.<index>" into the trainable parameters, as "<weight name>/<slot>". */
    private static Map<String, Tensor> namedByPosition(Map<String, Tensor> state, Model model, String source) {
        Map<Tensor, String> names = new java.util.IdentityHashMap<>();
        for (Weight w : model.weights()) names.put(w.value(), w.name());
        List<Tensor> trainable = model.trainableParameters();
        Map<String, Tensor> named = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : state.entrySet()) {
            String key = e.getKey();
            int dot = key.lastIndexOf('.');
            int index = -1;
            try {
                if (dot > 0) index = Integer.parseInt(key.substring(dot + 1));
            } catch (NumberFormatException ignored) {
                // reported below
            }
            if (index < 0 || index >= trainable.size()) {
                throw new IllegalArgumentException(source + ": state entry '" + key + "' is not <slot>.<index> with an index below "
                        + trainable.size() + " (the trainable parameters)");
            }
            named.put(names.get(trainable.get(index)) + "/" + key.substring(0, dot), e.getValue());
        }
        return named;
    }

    private static void restoreSeeds(Layer layer, Map<String, Long> seeds) {
        Long s = seeds.get(layer.name());
        if (s != null) layer.seed(s);
        for (Layer child : layer.children()) restoreSeeds(child, seeds);
    }

    /** The largest JSON entry read: configs and metadata are kilobytes; more is a broken or hostile file. */
    static final long MAX_JSON_ENTRY = 64L << 20;
    /** The largest safetensors entry read: a Java array's limit, which the writer also keeps to. */
    static final long MAX_TENSOR_ENTRY = Integer.MAX_VALUE - 8;

    private static Map<String, byte[]> unzip(String path, byte[] bytes) {
        return unzip(path, bytes, MAX_JSON_ENTRY, MAX_TENSOR_ENTRY);
    }

    /**
     * The entries of a model file, each inflated only up to its limit: the size a zip header declares can lie, so
     * the bytes are counted as they come. Entries a model file does not hold are refused without being inflated.
     */
    static Map<String, byte[]> unzip(String path, byte[] bytes, long jsonLimit, long tensorLimit) {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(bytes))) {
            ZipEntry e;
            while ((e = zip.getNextEntry()) != null) {
                String name = e.getName();
                long limit = switch (name) {
                    case CONFIG, METADATA -> jsonLimit;
                    case WEIGHTS, OPTIMIZER -> tensorLimit;
                    default -> throw new IllegalArgumentException(path + ": unexpected entry " + name + " (a model file holds "
                            + CONFIG + ", " + WEIGHTS + ", " + OPTIMIZER + ", " + METADATA + ")");
                };
                if (entries.containsKey(name)) throw new IllegalArgumentException(path + ": entry " + name + " appears twice");
                if (e.getSize() > limit) throw tooLarge(path, name, limit);
                entries.put(name, limit == tensorLimit ? readTensors(zip, limit, path, name) : readUpTo(zip, limit, path, name));
            }
        } catch (ZipException e) {
            throw new IllegalArgumentException(path + ": corrupted model file (" + e.getMessage() + ")");
        } catch (java.io.EOFException e) {
            throw new IllegalArgumentException(path + ": truncated model file");
        } catch (IOException e) {
            throw new IllegalArgumentException(path + ": unreadable model file (" + e.getMessage() + ")");
        }
        if (entries.isEmpty()) throw new IllegalArgumentException(path + ": not a Nabla model file (not a zip archive, or empty)");
        return entries;
    }

    /** The entry's bytes, read one past the limit at most (readNBytes grows its buffer as the bytes arrive). */
    private static byte[] readUpTo(ZipInputStream zip, long limit, String path, String name) throws IOException {
        byte[] b = zip.readNBytes((int) Math.min(limit + 1, MAX_TENSOR_ENTRY));
        if (b.length > limit) throw tooLarge(path, name, limit);
        return b;
    }

    /**
     * A safetensors entry, read no further than its header says the file is long: a zero-filled or padded entry is
     * refused at its first bytes instead of being inflated whole.
     */
    private static byte[] readTensors(ZipInputStream zip, long limit, String path, String name) throws IOException {
        String source = path + "!" + name;
        byte[] lengthField = zip.readNBytes(8);
        long n = lengthField.length < 8 ? -1 : java.nio.ByteBuffer.wrap(lengthField).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        if (n < 2 || n > Math.min(limit - 8, MAX_JSON_ENTRY)) throw new IllegalArgumentException(source + ": bad safetensors header length " + n);
        byte[] header = zip.readNBytes((int) n);
        if (header.length < n) throw new IllegalArgumentException(source + ": truncated safetensors header");
        long length = SafeTensors.declaredLength(header, source);
        if (length > limit) throw tooLarge(path, name, limit);
        byte[] all = new byte[(int) length];
        System.arraycopy(lengthField, 0, all, 0, 8);
        System.arraycopy(header, 0, all, 8, header.length);
        int got = zip.readNBytes(all, 8 + header.length, all.length - 8 - header.length);
        if (8 + header.length + got < length) return java.util.Arrays.copyOf(all, 8 + header.length + got); // SafeTensors.read names what is missing
        if (zip.read() != -1) throw new IllegalArgumentException(source + ": the entry is longer than the " + length + " bytes its header declares");
        return all;
    }

    private static IllegalArgumentException tooLarge(String path, String name, long limit) {
        return new IllegalArgumentException(path + ": entry " + name + " inflates to more than " + limit
                + " bytes (the limit for it); not a sound model file");
    }

    private static byte[] require(String path, Map<String, byte[]> entries, String name) {
        byte[] b = entries.get(name);
        if (b == null) throw new IllegalArgumentException(path + ": truncated or incomplete model file (" + name + " is missing)");
        return b;
    }
}
