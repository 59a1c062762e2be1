package dev.nabla.cli.board;

import dev.nabla.nn.SymbolicTensor;
import dev.nabla.train.Functional;
import dev.nabla.train.Model;
import dev.nabla.train.ModelFile;
import dev.nabla.train.SavedModel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The runs folder as the board sees it: each sub-folder holding a {@code history.csv}, {@code model.nabla} or
 * {@code checkpoint.nabla} (what {@code nabla train} writes) is a run, named by its folder.
 * <p>
 * Nothing outside the folder is ever read: a run name is one plain path segment (no {@code ..}, no separator, not
 * absolute), and every folder and file is resolved to its real path (symbolic links followed) and must still lie
 * under the folder's real path, so a link pointing out of it is treated as absent.
 * <p>
 * Listing is cheap on purpose: it reads each run's {@code history.csv} only (a few kB) and the files' times, never a
 * model file (whose weights may be large); a run's model is read when that run is asked for.
 */
final class RunsFolder {

    static final String HISTORY = "history.csv", MODEL = "model.nabla", CHECKPOINT = "checkpoint.nabla";
    private static final Pattern RUN_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._ +=@-]{0,199}");

    private final Path root;

    RunsFolder(Path dir) {
        try {
            root = dir.toRealPath();
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("RUNS_DIR: " + dir + " does not exist; train a model first (nabla train writes runs/<name>)");
        } catch (IOException e) {
            throw new IllegalArgumentException("RUNS_DIR: cannot read " + dir + ": " + e.getMessage());
        }
        if (!Files.isDirectory(root)) throw new IllegalArgumentException("RUNS_DIR: " + dir + " is not a directory");
    }

    Path root() {
        return root;
    }

    /** The run's real folder, if {@code name} is a plain name of a run inside the folder (links out of it are absent). */
    Optional<Path> run(String name) {
        if (name == null || !RUN_NAME.matcher(name).matches() || name.contains("..")) return Optional.empty();
        Path dir = inside(root.resolve(name));
        if (dir == null || !Files.isDirectory(dir) || !isRun(dir)) return Optional.empty();
        return Optional.of(dir);
    }

    /** One of the run's files by its real path, or null when absent or when it links out of the runs folder. */
    Path file(Path runDir, String fileName) {
        Path f = inside(runDir.resolve(fileName));
        return f != null && Files.isRegularFile(f) ? f : null;
    }

    /** The real path of {@code p} when it exists and lies under the runs folder's real path; else null. */
    private Path inside(Path p) {
        try {
            Path real = p.toRealPath();
            return real.startsWith(root) && !real.equals(root) ? real : null;
        } catch (IOException e) {
            return null;
        }
    }

    private boolean isRun(Path dir) {
        return file(dir, HISTORY) != null || file(dir, MODEL) != null || file(dir, CHECKPOINT) != null;
    }

    /** Every run, by name, each with its epochs, last values, files and any error reading its history. */
    List<Map<String, Object>> list() {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
            for (Path p : entries) names.add(p.getFileName().toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + root + ": " + e.getMessage(), e);
        }
        names.sort(null);
        List<Map<String, Object>> runs = new ArrayList<>();
        for (String name : names) run(name).ifPresent(dir -> runs.add(summary(name, dir)));
        return runs;
    }

    private Map<String, Object> summary(String name, Path dir) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        Path history = file(dir, HISTORY), model = file(dir, MODEL), checkpoint = file(dir, CHECKPOINT);
        m.put("model", model != null);
        m.put("checkpoint", checkpoint != null);
        // A checkpoint without the final model, or newer than it, is a run still training (or stopped mid-way).
        m.put("training", checkpoint != null && (model == null || modified(checkpoint) > modified(model)));
        long modified = 0;
        for (Path p : new Path[] {history, model, checkpoint}) if (p != null) modified = Math.max(modified, modified(p));
        m.put("modified", modified);
        if (history == null) {
            m.put("epochs", 0);
            return m;
        }
        try {
            HistoryFile.History h = HistoryFile.read(history, name + "/" + HISTORY);
            m.put("epochs", h.epochs().size());
            m.put("last", h.last());
        } catch (IOException | RuntimeException e) {
            m.put("error", message(e));
        }
        return m;
    }

    /** The run's history as JSON, or {"error": ...}. */
    Map<String, Object> history(Path dir, String name) {
        Path f = file(dir, HISTORY);
        if (f == null) return error(name + ": no " + HISTORY + " yet");
        try {
            return HistoryFile.read(f, name + "/" + HISTORY).toJson();
        } catch (IOException | RuntimeException e) {
            return error(message(e));
        }
    }

    /** The (last modified time, size) of the run's history, to notice a new epoch; null when absent. */
    String historyStamp(Path dir) {
        Path f = file(dir, HISTORY);
        if (f == null) return null;
        try {
            return Files.getLastModifiedTime(f).toMillis() + ":" + Files.size(f) + ":" + Files.getAttribute(f, "basic:fileKey", LinkOption.NOFOLLOW_LINKS);
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }

    /**
     * The run's model as JSON: the file it came from (model.nabla, else the checkpoint of a run still training), its
     * summary table, architecture, loss, optimizer, preprocessing and metadata; or {"error": ...} for a corrupt file.
     */
    Map<String, Object> model(Path dir, String name) {
        Path f = file(dir, MODEL);
        String which = MODEL;
        if (f == null) {
            f = file(dir, CHECKPOINT);
            which = CHECKPOINT;
        }
        if (f == null) return error(name + ": no " + MODEL + " or " + CHECKPOINT + " yet");
        try {
            SavedModel saved = ModelFile.load(f);
            Model model = saved.model();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("file", which);
            m.put("summary", model.summary());
            m.put("config", model.config());
            m.put("input_shape", model.inputShape());
            if (model.loss() != null) m.put("loss", model.loss().config());
            if (model.optimizer() != null) m.put("optimizer", model.optimizer().config());
            m.put("parameters", model.parameterCount());
            m.put("layers", layers(model));
            if (model instanceof Functional graphModel) m.put("graph", graph(graphModel));
            m.put("preprocessing", saved.preprocessing());
            Map<String, Object> metadata = new LinkedHashMap<>(saved.metadata());
            metadata.remove("history"); // served as the history
            metadata.remove("layer_seeds");
            m.put("metadata", metadata);
            return m;
        } catch (RuntimeException e) {
            return error(name + "/" + which + ": " + message(e).replace(f.toString() + ": ", "").replace(f.toString(), which));
        }
    }

    /**
     * The graph view's nodes: each layer in order with its type, output shape (batch as null; known along a
     * Sequential chain, null in a graph model), parameter count and weights' shapes.
     */
    static List<Map<String, Object>> layers(Model model) {
        List<Map<String, Object>> out = new ArrayList<>();
        int[] shape = model instanceof dev.nabla.train.Sequential ? model.inputShape() : null;
        for (dev.nabla.nn.Layer layer : model.children()) {
            Map<String, Object> l = new LinkedHashMap<>();
            l.put("name", layer.name());
            l.put("type", layer.type());
            shape = shape == null ? null : layer.outputShape(shape);
            l.put("output_shape", shape == null ? null : batchless(shape));
            l.put("parameters", layer.parameterCount());
            Map<String, Object> weights = new LinkedHashMap<>();
            for (dev.nabla.nn.Weight w : layer.weights()) weights.put(w.name(), w.value().shape());
            l.put("weights", weights);
            out.add(l);
        }
        return out;
    }

    /**
     * A graph model's nodes and edges for the graph view: each input (name, shape), each layer call (the tensor's name,
     * the layer's name and type, the tensors it was called on: its inbound edges, its output shape and parameters; a
     * layer called again is marked shared), and the outputs (name, tensor), as the model file's config stores them.
     */
    static Map<String, Object> graph(Functional model) {
        List<Map<String, Object>> nodes = new ArrayList<>();
        for (SymbolicTensor in : model.inputs()) {
            Map<String, Object> n = new LinkedHashMap<>();
            n.put("name", in.name());
            n.put("type", "Input");
            n.put("inputs", List.of());
            n.put("output_shape", withBatch(in.shape()));
            nodes.add(n);
        }
        java.util.Set<dev.nabla.nn.Layer> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (SymbolicTensor call : model.nodes()) {
            Map<String, Object> n = new LinkedHashMap<>();
            n.put("name", call.name());
            n.put("layer", call.layer().name());
            n.put("type", call.layer().type());
            n.put("inputs", call.inputs().stream().map(SymbolicTensor::name).toList());
            n.put("output_shape", withBatch(call.shape()));
            n.put("parameters", call.layer().parameterCount());
            n.put("shared", !seen.add(call.layer()));
            nodes.add(n);
        }
        List<Map<String, Object>> outputs = new ArrayList<>();
        for (int i = 0; i < model.outputs().size(); i++) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("name", model.outputNames().get(i));
            o.put("tensor", model.outputs().get(i).name());
            outputs.add(o);
        }
        Map<String, Object> g = new LinkedHashMap<>();
        g.put("nodes", nodes);
        g.put("outputs", outputs);
        return g;
    }

    /** A sample's shape with a leading null for the batch. */
    private static List<Object> withBatch(int[] shape) {
        List<Object> l = new ArrayList<>();
        l.add(null);
        for (int d : shape) l.add(d);
        return l;
    }

    /** The shape with its batch dimension as null, as Keras prints None. */
    private static List<Object> batchless(int[] shape) {
        List<Object> l = new ArrayList<>();
        for (int i = 0; i < shape.length; i++) l.add(i == 0 ? null : (Object) shape[i]);
        return l;
    }

    static Map<String, Object> error(String message) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("error", message);
        return m;
    }

    private static String message(Throwable e) {
        return e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static long modified(Path p) {
        try {
            FileTime t = Files.getLastModifiedTime(p);
            return t.toMillis();
        } catch (IOException e) {
            return 0;
        }
    }
}
