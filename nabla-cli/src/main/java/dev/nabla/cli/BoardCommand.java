package dev.nabla.cli;

import dev.nabla.cli.board.BoardServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

@Command(name = "board", sortOptions = false,
        description = {"Watch and explore training runs in the browser, live while nabla train writes them.",
                "Each run's charts per epoch (several runs overlaid), its model's graph and summary, the explain walkthrough,",
                "and a playground that trains a small network on 2-D points (xor, circles, spiral, moons, your CSV) as you watch.",
                "Serves 127.0.0.1 on a free port (printed) unless --port and --host say otherwise; Ctrl-C stops it."})
public final class BoardCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "RUNS_DIR", description = "The folder of runs (default: runs, where nabla train writes them).")
    Path runsDir = Path.of("runs");

    @Option(names = "--port", description = "Port to serve on (default: 0, a free one).")
    int port;

    @Option(names = "--host", description = "Address to bind (default: 127.0.0.1, this machine only; another address warns).")
    String host = "127.0.0.1";

    /** What {@code nabla explain WHAT --format json} prints, run in this process; its one-line error as the exception. */
    public static String explainJson(String what, String input, String target) {
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("explain", what, "--format", "json"));
        if (input != null) args.addAll(java.util.List.of("--input", input));
        if (target != null && !target.isBlank()) args.addAll(java.util.List.of("--target", target));
        java.io.StringWriter out = new java.io.StringWriter(), err = new java.io.StringWriter();
        int exit = Main.run(args.toArray(new String[0]), new PrintWriter(out, true), new PrintWriter(err, true));
        if (exit != 0) throw new IllegalArgumentException(err.toString().strip().replaceFirst("^nabla: ", ""));
        return out.toString();
    }

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        if (port < 0 || port > 65535) throw new IllegalArgumentException("--port: expected 0..65535, got " + port);
        try {
            BoardServer.hostWarning(host).ifPresent(Main.notes(spec));
            BoardServer server = new BoardServer(runsDir, host, port, BoardCommand::explainJson);
            out.println("Nabla board: " + server.url() + "  (runs in " + server.runsDir() + "; Ctrl-C stops)");
            out.flush();
            new CountDownLatch(1).await(); // serve until the process is stopped
        } catch (java.net.BindException e) {
            throw new IllegalArgumentException("--port: cannot listen on " + host + ":" + port + ": " + e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException("board: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
