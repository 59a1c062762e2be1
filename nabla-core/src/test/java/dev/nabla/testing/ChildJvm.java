package dev.nabla.testing;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs a test class's {@code main} in a new JVM (this JVM's java and class path, the Vector API module, the given
 * options), for what depends on how the JIT compiles: a thread count, a tile size, no C2 at all, or code compiled as
 * a training run compiles it rather than after a whole test suite.
 */
public final class ChildJvm {

    private ChildJvm() {}

    /** The child's output lines (stdout and stderr); fails unless it exits with 0 within {@code timeoutSeconds}. */
    public static List<String> run(Class<?> main, long timeoutSeconds, String... options) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules=jdk.incubator.vector"));
        command.addAll(List.of(options));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(timeoutSeconds, TimeUnit.SECONDS)).as(out).isTrue();
            assertThat(p.exitValue()).as(out).isZero();
            return out.lines().toList();
        } finally {
            p.destroyForcibly();
        }
    }
}
