package dev.nabla.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Compiles every {@code ```java} block of README.md and every {@code <pre>{@code ...}</pre>} example in the javadoc
 * of every module, so that the examples cannot rot (shell commands go in a plain {@code <pre>}). This module sees
 * the others (core, examples, onnx, spark); a snippet is the body of a method, after the imports below, with a few
 * names that examples take as given.
 */
class DocSnippetsTest {

    private static final List<String> IMPORTS = List.of(
            "dev.nabla.autograd.*", "dev.nabla.data.*", "dev.nabla.data.CsvReader.CsvData", "dev.nabla.explain.*",
            "dev.nabla.io.*", "dev.nabla.kernels.*", "dev.nabla.nn.*", "dev.nabla.nn.losses.*", "dev.nabla.optim.*",
            "dev.nabla.tensor.*", "dev.nabla.text.*", "dev.nabla.train.*", "dev.nabla.train.metrics.*", "dev.nabla.onnx.*", "dev.nabla.spark.*",
            "org.apache.spark.SparkConf", "org.apache.spark.api.java.JavaRDD", "org.apache.spark.api.java.JavaSparkContext",
            "java.util.*", "java.nio.file.*");

    /** The names the examples use without declaring them: a model, its data, a loss... (fields, so a snippet may redeclare one). */
    private static final String GIVEN = String.join(" ",
            "Sequential model; Tensor x, y, w, loss, logits, labels; Loss lossFn; Dataset train, test; Path path;",
            "Map<String, Object> preprocessing; History history; int m, n, k; float[] a, b, c;");

    /** One example: its text and where it starts (the line of its first line) in which file. */
    record Snippet(Path file, int firstLine, List<String> lines) {}

    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

    @Test
    void everyReadmeAndJavadocExampleCompiles(@TempDir Path out) {
        List<Snippet> snippets = new ArrayList<>(readmeSnippets(ROOT.resolve("README.md")));
        int inReadme = snippets.size();
        for (Path java : javaSources()) snippets.addAll(javadocSnippets(java));
        assertThat(inReadme).as("```java blocks in README.md").isGreaterThanOrEqualTo(3);
        assertThat(snippets.size() - inReadme).as("javadoc examples").isGreaterThanOrEqualTo(30);
        assertThat(compile(snippets, out)).isEmpty();
    }

    @Test
    void aBrokenExampleIsReportedWithItsFileLineAndTheCompilerMessage(@TempDir Path out) {
        Snippet broken = new Snippet(Path.of("Some.java"), 40, List.of("Tensor t = Tensor.vector(1, 2);", "int n = t.noSuchMethod();"));
        assertThat(compile(List.of(broken), out)).singleElement().asString()
                .startsWith("Some.java:41: ").contains("cannot find symbol").contains("noSuchMethod");
    }

    /** Compiles the snippets together; one "file:line: message" per error, the line being the snippet's own. */
    private static List<String> compile(List<Snippet> snippets, Path out) {
        List<Wrapped> units = new ArrayList<>();
        for (int i = 0; i < snippets.size(); i++) units.add(new Wrapped("Snippet" + i, snippets.get(i)));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        List<String> options = List.of("-classpath", System.getProperty("java.class.path"), "-d", out.toString(),
                "-proc:none", "-Xlint:none", "-nowarn");
        javac.getTask(null, null, diagnostics, options, null, units).call();
        List<String> errors = new ArrayList<>();
        for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
            if (d.getKind() != Diagnostic.Kind.ERROR) continue;
            Wrapped w = (Wrapped) d.getSource();
            errors.add(w.origin((int) d.getLineNumber()) + ": " + d.getMessage(null).replaceAll("\\s+", " "));
        }
        return errors;
    }

    /** A snippet as a class: its import lines first, the rest as the body of a method; remembers each line's origin. */
    private static final class Wrapped extends SimpleJavaFileObject {
        private final StringBuilder source = new StringBuilder();
        private final List<String> origins = new ArrayList<>();
        private final Snippet snippet;

        Wrapped(String className, Snippet snippet) {
            super(URI.create("string:///" + className + ".java"), Kind.SOURCE);
            this.snippet = snippet;
            for (String i : IMPORTS) add("import " + i + ";", -1);
            List<String> lines = snippet.lines();
            for (int i = 0; i < lines.size(); i++) if (lines.get(i).startsWith("import ")) add(lines.get(i), i);
            add("@SuppressWarnings(\"all\") class " + className + " { " + GIVEN, -1);
            add("void example() throws Exception {", -1);
            for (int i = 0; i < lines.size(); i++) if (!lines.get(i).startsWith("import ")) add(lines.get(i), i);
            add("}}", -1);
        }

        private void add(String line, int snippetLine) {
            source.append(line).append('\n');
            origins.add(snippetLine < 0 ? "(wrapper)" : String.valueOf(snippet.firstLine() + snippetLine));
        }

        String origin(int generatedLine) {
            String where = generatedLine >= 1 && generatedLine <= origins.size() ? origins.get(generatedLine - 1) : "?";
            return ROOT.relativize(ROOT.resolve(snippet.file())) + ":" + where;
        }

        @Override
        public CharSequence getCharContent(boolean ignoreEncodingErrors) {
            return source;
        }
    }

    private static List<Snippet> readmeSnippets(Path readme) {
        return snippets(readme, "```java", "```", UnaryOperator.identity());
    }

    private static final Pattern JAVADOC_LINE = Pattern.compile("^\\s*\\* ?(.*)$");

    private static List<Snippet> javadocSnippets(Path file) {
        return snippets(file, "* <pre>{@code", "* }</pre>", line -> {
            Matcher m = JAVADOC_LINE.matcher(line);
            return m.matches() ? m.group(1) : line;
        });
    }

    /** The blocks of {@code file} between a line {@code open} and a line {@code close} (stripped), each line through {@code body}. */
    private static List<Snippet> snippets(Path file, String open, String close, UnaryOperator<String> body) {
        List<String> lines = read(file);
        List<Snippet> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).strip().equals(open)) continue;
            int start = i + 1;
            List<String> block = new ArrayList<>();
            while (i + 1 < lines.size() && !lines.get(i + 1).strip().equals(close)) block.add(body.apply(lines.get(++i)));
            out.add(new Snippet(file, start + 1, block));
            i++;
        }
        return out;
    }

    /** The main sources of every module. */
    private static List<Path> javaSources() {
        try (Stream<Path> modules = Files.list(ROOT)) {
            List<Path> out = new ArrayList<>();
            for (Path module : modules.sorted().toList()) {
                Path main = module.resolve("src/main/java");
                if (!Files.isDirectory(main)) continue;
                try (Stream<Path> files = Files.walk(main)) {
                    files.filter(p -> p.toString().endsWith(".java")).sorted().forEach(out::add);
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> read(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
