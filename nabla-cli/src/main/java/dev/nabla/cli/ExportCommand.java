package dev.nabla.cli;

import dev.nabla.onnx.OnnxExporter;
import dev.nabla.train.Model;
import dev.nabla.train.ModelFile;
import dev.nabla.train.Sequential;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;

@Command(name = "export", description = {"Export a saved model to ONNX (IR 8, opset 17) for ONNX Runtime and other serving stacks.",
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
        if (!(model instanceof Sequential s)) throw new IllegalArgumentException(modelFile + ": only Sequential models export to ONNX");
        OnnxExporter.export(s, onnx);
        spec.commandLine().getOut().println("Wrote " + onnx + " (input 'input', output 'output', batch dimension 'batch')");
    }
}
