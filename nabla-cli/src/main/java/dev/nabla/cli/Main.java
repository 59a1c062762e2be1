package dev.nabla.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * The {@code nabla} command. User mistakes (bad options, unreadable data, wrong shapes) print one line on stderr
 * and exit with 2 (usage) or 1 (anything else); {@code --verbose} adds the stack trace.
 */
@Command(name = "nabla", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Build, train, evaluate and use neural networks trained by backpropagation.")
public final class Main implements Runnable {

    /** The subcommands, in the order of the list in the help. */
    static final List<Class<?>> SUBCOMMANDS = List.of(TrainCommand.class, EvaluateCommand.class, PredictCommand.class, GenerateCommand.class,
            SummaryCommand.class, DatasetsCommand.class, ExplainCommand.class, BoardCommand.class, GradcheckCommand.class, ExportCommand.class,
            ImportCommand.class, BenchCommand.class, CommandLine.HelpCommand.class);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command line and returns the exit code (for tests and embedding). */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        boolean verbose = Arrays.asList(args).contains("--verbose");
        CommandLine cl = commandLine(args);
        for (CommandLine sub : cl.getSubcommands().values()) addHelpOption(sub.getCommandSpec());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((e, commandLine, parsed) -> {
            err.println("nabla: " + message(e));
            if (verbose) e.printStackTrace(err);
            err.flush();
            return 1;
        });
        cl.setParameterExceptionHandler((e, a) -> {
            err.println("nabla: " + e.getMessage() + " (see: nabla " + commandName(e.getCommandLine()) + " --help)");
            if (verbose) e.printStackTrace(err);
            err.flush();
            return 2;
        });
        try {
            return cl.execute(args);
        } catch (OutOfMemoryError | StackOverflowError e) {
            // picocli hands only Exceptions to the handler above; these Errors would end the JVM with a stack trace.
            return fatal(e, args, err, verbose);
        }
    }

    /**
     * The command line for these arguments: when they start with a subcommand's name, with that subcommand alone,
     * because picocli reflects over every command it is given and the whole set costs about 0.1 s of a cold start;
     * otherwise (the help, its list, {@code help NAME}, a mistyped name) with all of them.
     */
    static CommandLine commandLine(String[] args) {
        CommandLine cl = new CommandLine(new Main());
        Class<?> named = null;
        for (Class<?> c : SUBCOMMANDS) {
            if (args.length > 0 && c.getAnnotation(Command.class).name().equals(args[0])) named = c;
        }
        if (named != null && named != CommandLine.HelpCommand.class) {
            cl.addSubcommand(named);
        } else {
            for (Class<?> c : SUBCOMMANDS) cl.addSubcommand(c);
        }
        return cl;
    }

    /** {@code -h, --help} on a subcommand prints its usage, as on {@code nabla} itself (picocli adds it only where asked). */
    private static void addHelpOption(CommandLine.Model.CommandSpec spec) {
        if (spec.findOption("--help") != null) return;
        spec.addOption(CommandLine.Model.OptionSpec.builder("-h", "--help").usageHelp(true).description("Show this help and exit.").build());
    }

    /** One line on stderr for running out of heap or stack, naming the command and the JVM option to raise; returns 1. */
    static int fatal(VirtualMachineError e, String[] args, PrintWriter err, boolean verbose) {
        String command = Arrays.stream(args).filter(a -> !a.startsWith("-")).findFirst().orElse("nabla");
        if (e instanceof StackOverflowError) {
            err.println("nabla: stack overflow while running " + command + " (something is nested too deeply for the thread stack);"
                    + " give the JVM a larger stack with JAVA_OPTS=-Xss64m");
        } else {
            err.println("nabla: out of memory while running " + command + " (the heap holds " + Runtime.getRuntime().maxMemory() / (1 << 20)
                    + " MB); give the JVM more with JAVA_OPTS=-Xmx4g, or use a smaller --batch-size or smaller layers");
        }
        if (verbose) e.printStackTrace(err);
        err.flush();
        return 1;
    }

    /** Where a command tells the user something worth knowing that is not an error: a line on stderr. */
    static Consumer<String> notes(CommandLine.Model.CommandSpec spec) {
        PrintWriter err = spec.commandLine().getErr();
        return note -> {
            err.println("nabla: note: " + note);
            err.flush();
        };
    }

    private static String commandName(CommandLine cl) {
        String full = cl.getCommandSpec().qualifiedName(" ");
        return full.startsWith("nabla ") ? full.substring(6) : "";
    }

    private static String message(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"nabla " + dev.nabla.train.ModelFile.VERSION + " (Java " + System.getProperty("java.version") + ", GEMM kernel "
                    + dev.nabla.kernels.Gemms.get().name() + ")"};
        }
    }
}
