package dev.nabla.cli;

import dev.nabla.data.Datasets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.util.Map;

@Command(name = "datasets", description = "List the built-in datasets (use them with: nabla train --data NAME).")
final class DatasetsCommand implements Runnable {

    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        int w = 0;
        for (String name : Datasets.names().keySet()) w = Math.max(w, name.length());
        for (Map.Entry<String, String> e : Datasets.names().entrySet()) out.printf("%-" + (w + 2) + "s%s%n", e.getKey(), e.getValue());
        out.flush();
    }
}
