package dev.nabla.cli;

import dev.nabla.onnx.OnnxExporter;
import dev.nabla.train.Model;
import dev.nabla.train.ModelFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

@Command(name = "export", description = {"Export a saved model to ONNX for ONNX Runtime and other serving stacks.",
        "Any Sequential or functional model; the file is ONNX IR 8, opset 17.",
        "The ONNX inputs and outputs carry the model's input and output names ('input' and 'output' for a Sequential).",
        "Inputs the model's preprocessing (e.g. scaling) expects must be applied before the ONNX model too."})
final class ExportCommand implements Runnable {

    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL", description = "A model file written by nabla train.")
    Path modelFile;

    @Option(names = "--onnx", required = true, description = "The ONNX file to write.")
    Path onnx;

    @Override
    public void run() {
        Model model = ModelFile.load(modelFile).model();
        try {
            OnnxExporter.export(model, onnx);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(modelFile + ": " + e.getMessage(), e);
        }
        spec.commandLine().getOut().println("Wrote " + onnx + " (inputs " + quoted(model.inputNames()) + ", outputs " + quoted(model.outputNames())
                + ", batch dimension 'batch')");
    }

    private static String quoted(List<String> names) {
        return names.stream().map(n -> "'" + n + "'").collect(Collectors.joining(", "));
    }
}
