package dev.nabla.train;

import dev.nabla.io.AtomicFiles;
import dev.nabla.io.Json;
import dev.nabla.io.SafeTensors;
import dev.nabla.nn.Layer;
import dev.nabla.nn.Layers;
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
 *       optimizer, metric names and any preprocessing (e.g. a fitted scaler);</li>
 *   <li>{@code model.safetensors}: the weights by name ({@code "dense/kernel"}), readable by Python's safetensors;</li>
 *   <li>{@code optimizer.safetensors}: the optimizer state (step count, moments), so training resumes exactly;</li>
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
    public static final int FORMAT_VERSION = 1;
    public static final String VERSION = "0.1.0";

    private static final String CONFIG = "config.json";
    private static final String WEIGHTS = "model.safetensors";
    private static final String OPTIMIZER = "optimizer.safetensors";
    private static final String METADATA = "metadata.json";

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
        config.put("input_shape", model.inputShape());
        if (model.loss() != null) config.put("loss", model.loss().config());
        if (model.optimizer() != null) config.put("optimizer", model.optimizer().config());
        List<String> metricNames = new ArrayList<>();
        for (Metric m : model.metrics()) metricNames.add(m.name());
        config.put("metrics", metricNames);
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
            if (model.optimizer() != null) put(zip, OPTIMIZER, SafeTensors.write(model.optimizer().state(), Map.of()));
            put(zip, METADATA, Json.writePretty(metadata).getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
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
        Map<String, Object> config = Json.parseObject(new String(configBytes, StandardCharsets.UTF_8), origin + "!" + CONFIG);
        if (!FORMAT.equals(config.get("format"))) throw new IllegalArgumentException(origin + ": not a Nabla model file (format is " + config.get("format") + ")");
        long version = ((Number) config.get("format_version")).longValue();
        if (version > FORMAT_VERSION) {
            throw new IllegalArgumentException(origin + ": model format version " + version + " is newer than this Nabla reads (" + FORMAT_VERSION + ")");
        }
        byte[] weightBytes = require(origin, entries, WEIGHTS);
        byte[] metadataBytes = require(origin, entries, METADATA);
        Map<String, Object> metadata = Json.parseObject(new String(metadataBytes, StandardCharsets.UTF_8), origin + "!" + METADATA);

        Model model = Models.fromConfig(asMap(config.get("model")));
        restoreSeeds(model, asMap(metadata.getOrDefault("layer_seeds", Map.of())));
        model.buildFor(intArray(config.get("input_shape")));
        Map<String, Tensor> saved = SafeTensors.read(weightBytes, origin + "!" + WEIGHTS);
        for (Weight w : model.weights()) {
            Tensor t = saved.get(w.name());
            if (t == null) throw new IllegalArgumentException(origin + ": weight " + w.name() + " is missing from " + WEIGHTS);
            if (!java.util.Arrays.equals(t.shape(), w.value().shape())) {
                throw new IllegalArgumentException(origin + ": weight " + w.name() + " has shape " + java.util.Arrays.toString(t.shape())
                        + " but the architecture needs " + java.util.Arrays.toString(w.value().shape()));
            }
            System.arraycopy(t.data(), 0, w.value().data(), 0, t.size());
        }
        if (config.get("loss") != null && config.get("optimizer") != null) {
            Optimizer optimizer = Optimizers.fromConfig(asMap(config.get("optimizer")));
            List<Metric> metrics = new ArrayList<>();
            for (Object name : (List<?>) config.getOrDefault("metrics", List.of())) metrics.add(Metrics.fromName(String.valueOf(name)));
            model.compile(optimizer, Losses.fromConfig(config.get("loss")), metrics.toArray(new Metric[0]));
            byte[] state = entries.get(OPTIMIZER);
            if (state != null) optimizer.loadState(SafeTensors.read(state, origin + "!" + OPTIMIZER));
        }
        model.setTraining(false);
        History history = null;
        if (metadata.get("history") instanceof Map<?, ?> h) {
            history = new History();
            int epochs = ((Number) metadata.getOrDefault("epochs_completed", 0L)).intValue();
            for (int e = 0; e < epochs; e++) {
                Map<String, Double> logs = new LinkedHashMap<>();
                for (Map.Entry<?, ?> s : h.entrySet()) logs.put(String.valueOf(s.getKey()), ((Number) ((List<?>) s.getValue()).get(e)).doubleValue());
                history.record(logs);
            }
        }
        return new SavedModel(model, asMap(config.getOrDefault("preprocessing", Map.of())), history, metadata);
    }

    private static void restoreSeeds(Layer layer, Map<String, Object> seeds) {
        Object s = seeds.get(layer.name());
        if (s != null) layer.seed(Long.parseLong(String.valueOf(s)));
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
                entries.put(name, readUpTo(zip, limit, path, name));
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

    private static byte[] readUpTo(ZipInputStream zip, long limit, String path, String name) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] chunk = new byte[64 * 1024];
        long total = 0;
        for (int n; (n = zip.read(chunk)) > 0; ) {
            total += n;
            if (total > limit) throw tooLarge(path, name, limit);
            out.write(chunk, 0, n);
        }
        return out.toByteArray();
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

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object o) {
        if (!(o instanceof Map)) throw new IllegalArgumentException("model file: expected a JSON object, got " + o);
        return (Map<String, Object>) o;
    }

    private static int[] intArray(Object o) {
        List<?> list = (List<?>) o;
        int[] a = new int[list.size()];
        for (int i = 0; i < a.length; i++) a[i] = ((Number) list.get(i)).intValue();
        return a;
    }
}
