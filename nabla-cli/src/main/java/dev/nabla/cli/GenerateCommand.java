package dev.nabla.cli;

import dev.nabla.text.LanguageModels;
import dev.nabla.train.SavedModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;

@Command(name = "generate", description = {"Sample new texts from a language model (nabla train --task language-model).",
        "Prints one text per line, each drawn token by token until its end marker or the model's length."})
final class GenerateCommand implements Runnable {

    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL", description = "A language model file written by nabla train --task language-model.")
    Path modelFile;

    @Option(names = "--count", description = "How many texts (default: 20).")
    int count = 20;

    @Option(names = "--temperature", description = "Below 1 sharpens the model's distribution (safer, more common texts), above 1 flattens it"
            + " (default: 1).")
    double temperature = 1;

    @Option(names = "--seed", description = "Seed of the sampling: the same seed gives the same texts (default: 42).")
    long seed = 42;

    @Override
    public void run() {
        SavedModel saved = GraphModels.loadOneInputOneOutput("generate", modelFile, "generate samples from a language model of one input and one output");
        Preprocessing pre = Preprocessing.of(saved);
        if (pre.task() != Tasks.Task.LANGUAGE_MODEL || pre.tokenizer() == null) {
            throw new IllegalArgumentException("generate: " + modelFile + " is a " + pre.task().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
                    + " model, not a language model; train one with nabla train --task language-model --data words.txt");
        }
        if (count <= 0) throw new IllegalArgumentException("--count: expected a positive number, got " + count);
        if (!(temperature > 0) || Double.isInfinite(temperature)) throw new IllegalArgumentException("--temperature: expected a positive number, got " + temperature);
        PrintWriter out = spec.commandLine().getOut();
        for (String text : LanguageModels.generate(saved.model(), pre.tokenizer(), count, temperature, seed)) out.println(text);
        out.flush();
    }
}
