package dev.nabla.cli;

import dev.nabla.data.Dataset;
import dev.nabla.data.Scaler;
import dev.nabla.nn.Activation;
import dev.nabla.nn.Layer;
import dev.nabla.nn.Loss;
import dev.nabla.nn.losses.Losses;
import dev.nabla.tensor.Tensor;
import dev.nabla.text.Tokenizer;
import dev.nabla.train.CsvLogger;
import dev.nabla.train.FitOptions;
import dev.nabla.train.GradientDiagnostics;
import dev.nabla.train.History;
import dev.nabla.train.Model;
import dev.nabla.train.ModelCheckpoint;
import dev.nabla.train.ModelFile;
import dev.nabla.train.SavedModel;
import dev.nabla.train.Sequential;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

@Command(name = "train", sortOptions = false,
        description = {"Train a network and save it with its history and plots.",
                "With no options: a 4-16-16-3 network on built-in Iris."})
final class TrainCommand implements Runnable {

    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Option(names = "--data", description = "Built-in name (see: nabla datasets), a CSV file, or a directory of IDX files. Default: iris.")
    String data = "iris";

    @Option(names = "--target", description = "CSV target column: name or 0-based index (default: the last column).")
    String target;

    @Option(names = "--layers", description = "Layers, e.g. 64:relu,32:relu,3:softmax or conv:32:3:relu,maxpool:2,flatten,128:relu,10;"
            + " for texts embedding:64,lstm:64 (also gru, rnn, conv1d, maxpool1d, globalavgpool1d, globalmaxpool1d)."
            + " The output layer is added when the list does not end with one. Default: 16:relu,16:relu (tabular), 128:relu (images), "
            + DEFAULT_TEXT_LAYERS + " (texts), " + DEFAULT_LANGUAGE_MODEL_LAYERS + " (language model).")
    String layers;

    @Option(names = "--task", description = "auto, classification, regression (default: auto, from the targets) or language-model"
            + " (next-token prediction, by characters unless --tokens words, over --text-column or the file's lines, one sample each;"
            + " sample with nabla generate).")
    String task = "auto";

    @Option(names = "--text-column", description = "CSV column holding texts: train on token ids of it (e.g. --layers embedding:64,lstm:64).")
    String textColumn;

    @Option(names = "--tokens", description = "Text tokens: words (runs of letters and digits) or chars (default: words, chars for a language model).")
    String tokens;

    @Option(names = "--lower-case", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Lower-case texts before tokenizing (default: true; --no-lower-case keeps the case).")
    boolean lowerCase = true;

    @Option(names = "--vocabulary", description = "Largest vocabulary, 4 reserved ids included; rarer tokens become unknown (default: 20000).")
    int vocabulary = 20000;

    @Option(names = "--length", description = "Tokens per text, padded or truncated (default: the longest training text's, at most "
            + DataSource.DEFAULT_MAX_LENGTH + "; a language model's: one more, for its begin marker, never truncating).")
    Integer length;

    @Option(names = "--loss", description = "sparse_categorical_crossentropy (default for classes; from logits when the output"
            + " layer is linear), mse (default for regression), mae, huber.")
    String loss;

    @Option(names = "--optimizer", description = "adam (default), adamw, sgd, rmsprop, adagrad.")
    String optimizer = "adam";

    @Option(names = "--lr", description = "Learning rate (default: 0.01 for tables, 0.001 for images).")
    Double lr;

    @Option(names = "--epochs", description = "Epochs (default: 100 for tables, 5 for images).")
    Integer epochs;

    @Option(names = "--batch-size", description = "Samples per step; -1 for full batch, 1 for stochastic (default: 32, 128 for images).")
    Integer batchSize;

    @Option(names = "--validation-split", description = "Fraction of the training data held out for validation (default: 0.2).")
    double validationSplit = 0.2;

    @Option(names = "--seed", description = "Seed for initialisation, splitting, shuffling and dropout (default: 42).")
    long seed = 42;

    @Option(names = "--scale", description = "none, standard or minmax, fitted on the training part (default: standard for tables, none for images).")
    String scale;

    @Option(names = "--out", description = "Output directory (default: runs/<data>-<time>).")
    Path outDir;

    @Option(names = "--resume", description = "Continue training from a model or checkpoint file, up to --epochs, with the run's data, target,"
            + " seed and validation split.")
    Path resume;

    @Option(names = "--init-weights", paramLabel = "FILE", description = "Start from a PyTorch state_dict (safetensors.torch.save_file)"
            + " instead of random weights: each layer takes the parameters of the module of its name (nabla summary lists them), layouts converted.")
    Path initWeights;

    @Option(names = "--init-map", paramLabel = "MODULE=LAYER,...", description = "With --init-weights: the PyTorch module of a layer named"
            + " otherwise, e.g. 0=dense,2=dense_1 for an nn.Sequential.")
    String initMap;

    @Option(names = "--overwrite", description = "Replace the run already in --out (its model and checkpoint).")
    boolean overwrite;

    @Option(names = "--tensorboard", paramLabel = "DIR", description = "Also write TensorBoard event files into DIR after every epoch: the history's scalars,"
            + " the learning rate, weight and gradient histograms (view with: tensorboard --logdir DIR).")
    Path tensorboard;

    @Option(names = "--spark-master", description = "Train on Apache Spark: local[2], spark://host:7077, yarn... (default: in this process).")
    String sparkMaster;

    @Option(names = "--spark-strategy", description = "sync (gradient averaging every step, default) or average (parameter averaging).")
    String sparkStrategy = "sync";

    @Option(names = "--spark-local-steps", description = "Local steps per averaging round with --spark-strategy average (default: 8).")
    int sparkLocalSteps = 8;

    @Option(names = "--spark-partitions", description = "Partitions of the training data (default: the cluster's parallelism).")
    Integer sparkPartitions;

    /** How a CSV file's columns are read and its rows weighed (after the general options in --help). */
    @Mixin
    TableOptions table;

    @Mixin
    TrainingOptions training;

    /** {@code 0=dense,2=dense_1} as PyTorch module path -> layer name (empty for null). */
    static Map<String, String> moduleMap(String spec) {
        Map<String, String> map = new LinkedHashMap<>();
        if (spec == null) return map;
        for (String pair : spec.split(",")) {
            String[] kv = pair.split("=", -1);
            if (kv.length != 2 || kv[0].isBlank() || kv[1].isBlank() || map.put(kv[0].strip(), kv[1].strip()) != null) {
                throw new IllegalArgumentException("--init-map: expected MODULE=LAYER pairs separated by commas, each module once, got '" + spec + "'");
            }
        }
        return map;
    }

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        boolean resuming = resume != null;
        if (initMap != null && initWeights == null) throw new IllegalArgumentException("--init-map: it names the modules of --init-weights, which is not given");
        if (resuming && initWeights != null) throw new IllegalArgumentException("--init-weights: a resumed run keeps its own weights; leave out --resume or --init-weights");
        SavedModel previous = resuming ? GraphModels.loadOneInputOneOutput("train --resume", resume,
                "train reads one table and supports one input and one output; use the Java API's Model.fit(Map, Map, options)") : null;
        if (resuming) reuseTheRunsSplit(previous);
        if (resuming && table.classWeight == null && previous.preprocessing().get("class_weight") instanceof String w) table.classWeight = w; // as trained
        Path dir = outDir != null ? outDir : freshRunDir();
        refuseToReplaceARun(dir);
        List<LayerSpecParser.Spec> specs = layers == null ? null : LayerSpecParser.parse(layers);
        boolean images = specs != null && specs.stream().anyMatch(s -> s.kind() == LayerSpecParser.Kind.CONV);
        if (resuming) images = "image".equals(previous.preprocessing().get("input"));
        Tokenizer savedTokenizer = resuming ? Tokenizer.of(previous) : null;
        boolean languageModel = resuming ? Tasks.Task.saved(previous.preprocessing()) == Tasks.Task.LANGUAGE_MODEL : Tasks.languageModel(task);
        if (resuming && savedTokenizer != null) textColumn = previous.preprocessing().get("text_column") instanceof String c ? c : null;
        boolean text = textColumn != null || languageModel;
        // Any other CSV file is read as a raw table (types inferred, missing values, categories), except to resume older runs.
        boolean standardScaling = scale == null || scale.equalsIgnoreCase("standard");
        TableData tableData = !text && !images && DataSource.isCsvFile(data) && (!resuming || previous.preprocessing().get("table") != null)
                ? (resuming ? TableData.apply(data, Preprocessing.of(previous).table(), seed, Main.notes(spec), TableData.warnings(spec))
                : TableData.fit(data, target, task, table, standardScaling, seed, TableData.warnings(spec))) : null;
        DataSource source = text ? DataSource.loadText(data, target, textOptions(languageModel, savedTokenizer), seed)
                : tableData != null ? tableData.source() : DataSource.load(data, target, images, seed);
        boolean imageData = !text && source.train().x().size() / source.train().size() >= 784 && source.featureNames() == null;
        Tasks.Task t = resuming ? Tasks.Task.saved(previous.preprocessing())
                : tableData != null ? (tableData.preprocessor().classNames() != null ? Tasks.Task.CLASSIFICATION : Tasks.Task.REGRESSION)
                : Tasks.infer(task, source.train());
        int outputs = t == Tasks.Task.LANGUAGE_MODEL ? source.tokenizer().vocabularySize() : Tasks.outputs(t, source.train());

        Dataset train = source.train(), test = source.test();
        Scaler scaler = null;
        String scaleKind = scale != null ? scale.toLowerCase(Locale.ROOT) : imageData || text ? "none" : "standard";
        if (text && !scaleKind.equals("none")) throw new IllegalArgumentException("--scale: token ids are not scaled; leave --scale out for text");
        List<String> featureNames = source.featureNames();
        if (resuming) {
            // The resumed model's features, matched by name, scaled with its scaler.
            Preprocessing pre = Preprocessing.of(previous);
            train = pre.apply(train, featureNames, data, Main.notes(spec));
            if (test != null) test = pre.apply(test, featureNames, data, Main.notes(spec));
            if (pre.featureNames() != null) featureNames = pre.featureNames();
            scaler = pre.scaler();
        } else if (!scaleKind.equals("none") && !(tableData != null && scaleKind.equals("standard"))) { // the table's preprocessor scales
            if (!scaleKind.equals("standard") && !scaleKind.equals("minmax")) {
                throw new IllegalArgumentException("--scale: expected none, standard or minmax, got '" + scale + "'");
            }
            if (tableData != null && !tableData.preprocessor().embeddingInputs().isEmpty()) {
                throw new IllegalArgumentException("--scale " + scale + ": the table has category-index features, which must stay whole numbers;"
                        + " use --scale standard (the table's own scaling leaves them alone) or none");
            }
            scaler = (scaleKind.equals("standard") ? Scaler.standard() : Scaler.minMax()).fit(train.x());
        }
        if (scaler != null && !resuming) {
            train = train.withX(scaler.transform(train.x()));
            if (test != null) test = test.withX(scaler.transform(test.x()));
        }
        Tensor y = Tasks.targets(t, train);
        int epochCount = epochs != null ? epochs : imageData ? 5 : text ? 10 : 100;
        int batch = batchSize != null ? batchSize : imageData ? 128 : languageModel ? 64 : 32;

        Model model;
        History earlier = null;
        int initialEpoch = 0;
        if (resuming) {
            model = previous.model();
            if (model.optimizer() == null) throw new IllegalArgumentException(resume + ": the model was saved without an optimizer; cannot resume training");
            earlier = previous.history();
            initialEpoch = previous.epochsCompleted();
            if (initialEpoch >= epochCount) {
                throw new IllegalArgumentException("--resume: " + resume + " already has " + initialEpoch + " epochs; ask for more with --epochs");
            }
        } else {
            if (specs == null) {
                specs = LayerSpecParser.parse(languageModel ? DEFAULT_LANGUAGE_MODEL_LAYERS : text ? DEFAULT_TEXT_LAYERS : imageData ? "128:relu" : "16:relu,16:relu");
            }
            Layer.resetNames(); // layer names start from "dense" in every run
            List<Layer> stack = training.withDropout(text ? ModelBuilder.textLayers(specs, t, outputs, source.tokenizer().vocabularySize())
                    : tableData != null ? ModelBuilder.withCategoryEmbedding(ModelBuilder.layers(specs, t, outputs, images),
                            tableData.preprocessor().embeddingInputs(), table.embeddingDim)
                    : ModelBuilder.layers(specs, t, outputs, images));
            model = new Sequential("model", stack.toArray(new Layer[0]));
            model.seed(seed);
            Activation last = ModelBuilder.lastActivation(stack);
            Loss lossFn = Tasks.loss(loss, t, last);
            float rate = (float) (lr != null ? lr : imageData ? 1e-3 : text ? 3e-3 : 1e-2);
            int fitRows = train.size() - (int) Math.floor(train.size() * validationSplit);
            int steps = batch == -1 ? 1 : (fitRows + batch - 1) / batch;
            model.compile(training.optimizer(optimizer, rate, epochCount, steps), lossFn, training.metrics(t));
            model.buildFor(ModelBuilder.inputShape(train.x()));
            if (initWeights != null) model.loadPytorchWeights(initWeights, moduleMap(initMap));
        }

        try {
            Files.createDirectories(dir);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("--out: cannot create " + dir + ": " + e.getMessage());
        }
        Map<String, Object> preprocessing = new LinkedHashMap<>();
        preprocessing.put("task", t.name().toLowerCase(Locale.ROOT));
        preprocessing.put("input", images ? "image" : text ? "text" : "flat");
        if (source.tokenizer() != null) preprocessing.put(Tokenizer.PREPROCESSING_KEY, source.tokenizer().config());
        if (textColumn != null) preprocessing.put("text_column", textColumn);
        if (scaler != null) preprocessing.put("scaler", scaler.config());
        List<String> classNames = train.classNames();
        if (resuming && previous.preprocessing().get("class_names") instanceof List<?> l) classNames = toStrings(l);
        if (classNames != null) preprocessing.put("class_names", classNames);
        if (featureNames != null) preprocessing.put("feature_names", featureNames);
        if (tableData != null) preprocessing.put("table", tableData.preprocessor().config());
        if (table.classWeight != null) preprocessing.put("class_weight", table.classWeight);
        preprocessing.put("target", source.targetName());
        preprocessing.put("split", splitSettings());

        out.println("Data: " + source.description() + (scaler != null ? ", " + scaleKind + "-scaled" : ""));
        if (tableData != null) out.println("Columns (inferred from the training part):\n" + tableData.preprocessor().schema());
        out.println(model.summary());
        out.printf(Locale.ROOT, "Training: %s, loss %s, %s lr %s, %d epochs, batch %s, validation %.0f%%, seed %d%n",
                t.name().toLowerCase(Locale.ROOT), model.loss().name(), model.optimizer().config().get("type"), model.optimizer().learningRate(),
                epochCount, batch == -1 ? "full" : String.valueOf(batch), validationSplit * 100, seed);

        Path checkpoint = dir.resolve("checkpoint.nabla");
        Path historyCsv = dir.resolve("history.csv");
        ModelCheckpoint saver = ModelCheckpoint.every(1, checkpoint, () -> preprocessing).continuing(earlier);
        FitOptions options = FitOptions.epochs(epochCount).initialEpoch(initialEpoch).batchSize(batch).seed(seed)
                .callbacks(new GradientDiagnostics(w -> out.println(w)), new ProgressBar(out, System.console() != null, training.diagnostics), saver,
                        new CsvLogger(historyCsv).continuing(earlier)) // each epoch, for nabla board
                .callbacks(training.callbacks(validationSplit > 0).toArray(new dev.nabla.train.Callback[0]));
        if (tensorboard != null) options.callbacks(new dev.nabla.train.TensorBoardLogger(tensorboard)); // last: it logs what the others add
        History history;
        if (tableData != null && sparkMaster == null) {
            // A stratified validation part, and each row's weight (--class-weight, --sample-weight) in the loss.
            Tensor weights = table.weights(train.y(), train.classNames(), tableData.trainSampleWeights());
            TableData.Fit fit = TableData.holdOut(train, y, weights, t == Tasks.Task.CLASSIFICATION, validationSplit, seed);
            if (fit.validation() != null) options.validationData(fit.validation().x(), fit.validation().y());
            history = model.fit(fit.x(), fit.y(), options.sampleWeights(fit.weights()));
        } else {
            if (table.weighted()) throw new IllegalArgumentException("--class-weight and --sample-weight need a CSV file as --data, trained in this process");
            history = sparkMaster == null ? model.fit(train.x(), y, options.validationSplit(validationSplit)) : fitOnSpark(model, train.x(), y, options, out);
        }
        History all = new History();
        if (earlier != null) all.append(earlier);
        all.append(history);

        Path modelFile = dir.resolve("model.nabla");
        ModelFile.save(modelFile, new SavedModel(model, preprocessing, all, Map.of("seed", seed, "data", data)));
        dev.nabla.io.AtomicFiles.write(historyCsv, CsvLogger.toCsv(epochNumbers(all.epochs()), all).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        List<Path> plots = Plots.write(all.metrics(), dir);

        out.println();
        out.println("Final metrics" + (tableData != null && tableData.preprocessor().scalesTarget()
                ? " (of the standard-scaled target; the report below is in the file's units)" : ""));
        Map<String, Double> trainMetrics = model.evaluate(train.x(), y);
        report(out, "train", trainMetrics);
        Map<String, Double> val = new LinkedHashMap<>();
        all.metrics().forEach((k, v) -> {
            if (k.startsWith("val_")) val.put(k.substring(4), v.get(v.size() - 1));
        });
        if (!val.isEmpty()) report(out, "validation", val);
        if (test != null) report(out, "test", model.evaluate(test.x(), Tasks.targets(t, test)));
        if (t == Tasks.Task.LANGUAGE_MODEL) LanguageModelReport.print(out, model, source, seed);
        Map<String, Object> finals = new LinkedHashMap<>(); // by part, for --json
        finals.put("train", trainMetrics);
        if (!val.isEmpty()) finals.put("validation", val);
        List<Path> written = new ArrayList<>(plots);
        written.addAll(Reports.afterTraining(out, dir, model, test, t, classNames, tableData == null ? null : tableData.preprocessor(), finals, training.json));
        out.println();
        out.println("Wrote " + modelFile + "  (the model; try: nabla summary " + modelFile + ")");
        out.println("      " + historyCsv);
        for (Path p : written) out.println("      " + p);
        out.println("      " + checkpoint + "  (resume with --resume " + checkpoint + " --epochs N)");
        out.flush();
    }

    /** Layers of a text classifier and of a language model when --layers is not given. */
    static final String DEFAULT_TEXT_LAYERS = "embedding:64,lstm:64", DEFAULT_LANGUAGE_MODEL_LAYERS = "embedding:32,lstm:128";

    /** The --tokens, --lower-case, --vocabulary and --length settings; on --resume the run's own tokenizer instead. */
    private DataSource.Text textOptions(boolean languageModel, Tokenizer saved) {
        String kind = tokens != null ? tokens.toLowerCase(Locale.ROOT) : languageModel ? "chars" : "words";
        Tokenizer.Level level = switch (kind) {
            case "words", "word" -> Tokenizer.Level.WORD;
            case "chars", "char", "characters" -> Tokenizer.Level.CHARACTER;
            default -> throw new IllegalArgumentException("--tokens: expected words or chars, got '" + tokens + "'");
        };
        if (vocabulary <= Tokenizer.RESERVED.size() || vocabulary > Tokenizer.MAX_VOCABULARY) {
            throw new IllegalArgumentException("--vocabulary: expected " + (Tokenizer.RESERVED.size() + 1) + ".." + Tokenizer.MAX_VOCABULARY
                    + " (4 ids are reserved: padding, unknown, begin, end), got " + vocabulary);
        }
        int min = languageModel ? 2 : 1;
        if (length != null && length < min) throw new IllegalArgumentException("--length: expected at least " + min + ", got " + length);
        return new DataSource.Text(textColumn, languageModel, saved, level, lowerCase, vocabulary, length == null ? 0 : length);
    }

    /**
     * What decides which rows a run trains, validates and tests on: the data, its target, the seed (of the CSV
     * train/test split, as of shuffling) and the validation fraction. A checkpoint keeps them, so a resumed run
     * splits the data as the run it continues; the test part is a fixed share of the data (see DataSource).
     */
    private Map<String, Object> splitSettings() {
        Map<String, Object> split = new LinkedHashMap<>();
        // A file by its absolute path, so a run resumed from another directory finds it.
        split.put("data", canonical(data));
        if (target != null) split.put("target", target);
        split.put("seed", seed);
        split.put("validation_split", validationSplit);
        return split;
    }

    /**
     * On --resume, the run's own split settings replace the defaults; an option given that contradicts one is
     * refused, since it would move rows between the training, validation and test parts. Checkpoints written
     * before the settings were kept use the options as given.
     */
    private void reuseTheRunsSplit(SavedModel previous) {
        if (!(previous.preprocessing().get("split") instanceof Map<?, ?> split)) return;
        CommandLine.ParseResult given = spec.commandLine().getParseResult();
        if (split.get("data") != null) {
            String was = String.valueOf(split.get("data"));
            if (given.hasMatchedOption("--data") && !sameData(was, data)) throw conflict("--data", was, data);
            data = was;
        }
        Object wasTarget = split.get("target");
        if (given.hasMatchedOption("--target") && !String.valueOf(wasTarget).equals(target)) throw conflict("--target", wasTarget, target);
        target = wasTarget == null ? null : String.valueOf(wasTarget);
        if (split.get("seed") instanceof Number n) {
            if (given.hasMatchedOption("--seed") && n.longValue() != seed) throw conflict("--seed", n.longValue(), seed);
            seed = n.longValue();
        }
        if (split.get("validation_split") instanceof Number n) {
            if (given.hasMatchedOption("--validation-split") && n.doubleValue() != validationSplit) throw conflict("--validation-split", n, validationSplit);
            validationSplit = n.doubleValue();
        }
    }

    private IllegalArgumentException conflict(String option, Object was, Object now) {
        return new IllegalArgumentException(option + ": " + resume + " was trained with " + option + " " + was + "; resuming with " + now
                + " would split the data differently (rows tested on before would be trained on); leave " + option + " out to reuse " + was);
    }

    /** The same data: the same name, or paths to the same file. */
    private static boolean sameData(String a, String b) {
        return canonical(a).equals(canonical(b));
    }

    /** A data file by its absolute path; a built-in dataset's name as it is. */
    private static String canonical(String data) {
        return Files.exists(Path.of(data)) ? Path.of(data).toAbsolutePath().normalize().toString() : data;
    }

    /**
     * A directory holding a run's model or checkpoint is another run (or the checkpoint to resume after a crash):
     * replacing it takes --overwrite, or resuming from a file in it.
     */
    private void refuseToReplaceARun(Path dir) {
        boolean holdsRun = Files.exists(dir.resolve("model.nabla")) || Files.exists(dir.resolve("checkpoint.nabla"));
        boolean resumingFromIt = resume != null && resume.toAbsolutePath().normalize().startsWith(dir.toAbsolutePath().normalize());
        if (holdsRun && !overwrite && !resumingFromIt) {
            throw new IllegalArgumentException("--out: " + dir + " already holds a run (model.nabla or checkpoint.nabla); pass --overwrite to replace it,"
                    + " or --resume " + dir.resolve("checkpoint.nabla") + " to continue it");
        }
    }

    private History fitOnSpark(Model model, Tensor x, Tensor y, FitOptions options, PrintWriter out) {
        try {
            return SparkFit.fit(sparkMaster, sparkStrategy, sparkLocalSteps, sparkPartitions, model, x, y, validationSplit, options, out);
        } catch (NoClassDefFoundError e) {
            if (e.getMessage() == null || !e.getMessage().startsWith("org/apache/spark")) throw e;
            throw new IllegalArgumentException("--spark-master: Spark is not on the class path; run through ./nabla (which adds it) "
                    + "or spark-submit (see the README)");
        }
    }

    private static List<Integer> epochNumbers(int n) {
        List<Integer> l = new ArrayList<>();
        for (int i = 1; i <= n; i++) l.add(i);
        return l;
    }

    static void report(PrintWriter out, String part, Map<String, Double> metrics) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "  %-11s", part));
        metrics.forEach((k, v) -> sb.append(String.format(Locale.ROOT, "  %s %.4f", k, v)));
        out.println(sb);
    }

    /** runs/<data>-<time>, with -2, -3... when a run started in the same second. */
    private Path freshRunDir() {
        Path dir = Path.of("runs", runName());
        for (int i = 2; Files.exists(dir); i++) dir = Path.of("runs", runName() + "-" + i);
        return dir;
    }

    private String runName() {
        String base = Path.of(data).getFileName().toString().replaceAll("\\.csv$", "").replaceAll("[^A-Za-z0-9_-]", "_");
        return base + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    }

    static List<String> toStrings(List<?> l) {
        List<String> s = new ArrayList<>();
        for (Object o : l) s.add(String.valueOf(o));
        return s;
    }
}
