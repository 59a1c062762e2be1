package dev.nabla.cli;

import picocli.CommandLine.Option;

/** Options every subcommand accepts. */
final class CommonOptions {
    @Option(names = "--verbose", description = "Show stack traces of errors.")
    boolean verbose;
}
