package dev.nabla.cli;

import dev.nabla.nn.Activation;
import dev.nabla.nn.ActivationLayer;
import dev.nabla.nn.Layer;
import dev.nabla.nn.Loss;
import dev.nabla.onnx.OnnxImporter;
import dev.nabla.optim.Optimizers;
import dev.nabla.train.Functional;
import dev.nabla.train.History;
import dev.nabla.train.ModelFile;
import dev.nabla.train.SavedModel;
import dev.nabla.train.metrics.Metrics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

@Command(name = "import", description = {"Import an ONNX file (e.g. from PyTorch's torch.onnx.export, or nabla export) as a trainable Nabla model.",
        "The initializers become the model's weights; the file is written as a model file that summary, predict, evaluate and",
        "train --resume read (fine-tuning: nabla train --resume imported.nabla --data ... --epochs N). It is compiled with Adam",
        "and the task's loss: sparse categorical cross-entropy (on probabilities when the graph ends in Softmax) or mse."})
final class ImportCommand implements Runnable {

    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL.onnx", description = "The ONNX file (external data files beside it).")
    Path onnx;

    @Option(names = "--out", required = true, description = "The model file to write.")
    Path out;

    @Option(names = "--task", description = "classification (default) or regression: the loss and metric fine-tuning uses.")
    String task = "classification";

    @Option(names = "--loss", description = "sparse_categorical_crossentropy, mse, mae or huber. Default: the task's.")
    String loss;

    @Option(names = "--target", description = "The CSV column holding the label, which predict skips and evaluate and train read. Default: the last.")
    String target;

    @Option(names = "--lr", description = "Adam's learning rate for fine-tuning. Default: 1e-3.")
    double lr = 1e-3;

    @Override
    public void run() {
        Tasks.Task t = switch (task.toLowerCase(Locale.ROOT)) {
            case "classification" -> Tasks.Task.CLASSIFICATION;
            case "regression" -> Tasks.Task.REGRESSION;
            default -> throw new IllegalArgumentException("--task: expected classification or regression, got '" + task + "'");
        };
        Functional model = OnnxImporter.load(onnx);
        Loss lossFn = Tasks.loss(loss, t, lastActivation(model));
        model.compile(Optimizers.adam(lr), lossFn, t == Tasks.Task.CLASSIFICATION ? Metrics.accuracy() : Metrics.mae());
        Map<String, Object> preprocessing = new LinkedHashMap<>();
        preprocessing.put("task", t.name().toLowerCase(Locale.ROOT));
        preprocessing.put("input", model.inputs().get(0).shape().length == 3 ? "image" : "flat");
        if (target != null) preprocessing.put("target", target);
        ModelFile.save(out, new SavedModel(model, preprocessing, new History(), Map.of("imported_from", onnx.getFileName().toString())));
        spec.commandLine().getOut().println("Wrote " + out + " (" + model.nodes().size() + " layer calls, " + model.trainableParameterCount()
                + " trainable parameters; inputs " + model.inputNames() + ", outputs " + model.outputNames() + ")");
    }

    /** The activation the graph ends in (Softmax: the loss reads probabilities), else linear (logits). */
    private static Activation lastActivation(Functional model) {
        Layer last = model.outputs().get(0).layer();
        return last instanceof ActivationLayer a ? a.activation() : Activation.LINEAR;
    }
}
