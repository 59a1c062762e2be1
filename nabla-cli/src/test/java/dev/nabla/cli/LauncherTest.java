package dev.nabla.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code nabla} launcher script, run on a copy of it in a checkout of its own whose nabla.jar is
 * {@link LauncherProbe} (so nothing is built): which JVM it picks, and that its start-up caches never make a run fail.
 */
class LauncherTest {

    record Run(int exit, String out, String err) {}

    /** A checkout with the launcher, a probe nabla.jar newer than every source (none), and Spark's class path file. */
    static Path checkout(Path dir) throws IOException {
        Files.copy(Path.of("..", "nabla"), dir.resolve("nabla"));
        dir.resolve("nabla").toFile().setExecutable(true);
        Files.createDirectories(dir.resolve("nabla-spark/target"));
        Files.writeString(dir.resolve("nabla-spark/target/spark.classpath"), "");
        Path target = Files.createDirectories(dir.resolve("nabla-cli/target"));
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, LauncherProbe.class.getName());
        String entry = LauncherProbe.class.getName().replace('.', '/') + ".class";
        try (OutputStream file = Files.newOutputStream(target.resolve("nabla.jar"));
             JarOutputStream jar = new JarOutputStream(file, manifest);
             InputStream probe = LauncherProbe.class.getResourceAsStream("/" + entry)) {
            jar.putNextEntry(new JarEntry(entry));
            probe.transferTo(jar);
        }
        return dir;
    }

    /** Runs {@code ./nabla args...} in the checkout with this environment (JAVA_HOME, JAVA_OPTS and NABLA_JVMS unset unless given). */
    static Run launch(Path checkout, Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(checkout.resolve("nabla").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(checkout.toFile())
                .redirectOutput(checkout.resolve("out.txt").toFile()).redirectError(checkout.resolve("err.txt").toFile());
        pb.environment().keySet().removeAll(List.of("JAVA_HOME", "JAVA_OPTS", "NABLA_JVMS"));
        pb.environment().putAll(env);
        Process p = pb.start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("nabla %s finished", String.join(" ", args)).isTrue();
        return new Run(p.exitValue(), Files.readString(checkout.resolve("out.txt")), Files.readString(checkout.resolve("err.txt")));
    }

    /**
     * A JDK that is only a release file and a bin/java script: the script prints its name and options (and, asked for
     * an ahead-of-time cache, writes one, as a JDK 25 does), so the launcher's choice is visible without that JDK.
     */
    static Path fakeJdk(Path jvms, String name, int version) throws IOException {
        Path home = Files.createDirectories(jvms.resolve(name));
        Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"test\"\nJAVA_VERSION=\"" + version + ".0.1\"\n");
        Path java = Files.createDirectories(home.resolve("bin")).resolve("java");
        Files.writeString(java, "#!/bin/sh\n"
                + "for a in \"$@\"; do case \"$a\" in -XX:AOTCacheOutput=*) echo cache > \"${a#-XX:AOTCacheOutput=}\" ;; esac; done\n"
                + "echo \"fake " + name + ": $*\"\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        return home;
    }

    /** A directory holding only {@code java}, a link to this JDK's java, for PATH. */
    static String pathWithJava(Path bin, Path javaHome) throws IOException {
        Files.createDirectories(bin);
        Files.createSymbolicLink(bin.resolve("java"), javaHome.resolve("bin/java"));
        return bin + ":/usr/bin:/bin";
    }

    @Test
    void withoutJavaHomeTheNewestJdk25OrNewerUnderNablaJvmsIsPreferredToAnOlderJavaOnThePath(@TempDir Path dir) throws Exception {
        Path co = checkout(Files.createDirectories(dir.resolve("co")));
        Path jvms = dir.resolve("jvms");
        Path jdk17 = fakeJdk(jvms, "jdk-17", 17);
        fakeJdk(jvms, "jdk-25", 25);
        fakeJdk(jvms, "jdk-26", 26);
        fakeJdk(jvms, "jdk-21", 21);
        Map<String, String> env = Map.of("NABLA_JVMS", jvms.toString(), "PATH", pathWithJava(dir.resolve("bin"), jdk17));

        Run r = launch(co, env, "bench", "W2");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("fake jdk-26: ").contains("-XX:AOTCache=" + co.resolve("nabla-cli/target")).endsWith(" -jar "
                + co.resolve("nabla-cli/target/nabla.jar") + " bench W2\n");
        assertThat(r.err()).contains("making the JVM's start-up cache");

        Run again = launch(co, env, "bench", "W2");
        assertThat(again.out()).startsWith("fake jdk-26: ").contains("-XX:AOTCache=");
        assertThat(again.err()).as("the cache is made once").doesNotContain("start-up cache");
    }

    @Test
    void javaHomeWinsAndAJvmOlderThan25GetsAClassDataSharingArchive(@TempDir Path dir) throws Exception {
        Path co = checkout(Files.createDirectories(dir.resolve("co")));
        Path jvms = dir.resolve("jvms");
        Path jdk17 = fakeJdk(jvms, "jdk-17", 17);
        fakeJdk(jvms, "jdk-25", 25);

        Run r = launch(co, Map.of("NABLA_JVMS", jvms.toString(), "JAVA_HOME", jdk17.toString()), "datasets");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("fake jdk-17: ").contains("-XX:ArchiveClassesAtExit=" + co.resolve("nabla-cli/target"))
                .doesNotContain("AOT");
    }

    @Test
    void aJdk25OrNewerOnThePathIsUsedAsItIs(@TempDir Path dir) throws Exception {
        Path co = checkout(Files.createDirectories(dir.resolve("co")));
        Path jvms = dir.resolve("jvms");
        Path jdk25 = fakeJdk(jvms, "jdk-25", 25);
        fakeJdk(jvms, "jdk-26", 26);

        Run r = launch(co, Map.of("NABLA_JVMS", jvms.toString(), "PATH", pathWithJava(dir.resolve("bin"), jdk25)), "datasets");
        assertThat(r.out()).startsWith("fake jdk-25: ");
    }

    /** This JDK, or a JDK 25 or newer where one is installed (then the ahead-of-time cache is what gets corrupted). */
    static Path realJdk() throws IOException {
        Path own = Path.of(System.getProperty("java.home"));
        if (Runtime.version().feature() >= 25 || !Files.isDirectory(Path.of("/usr/lib/jvm"))) return own;
        try (Stream<Path> homes = Files.list(Path.of("/usr/lib/jvm"))) {
            Optional<Path> jdk25 = homes.filter(h -> Files.isExecutable(h.resolve("bin/java")) && releaseVersion(h) >= 25).findFirst();
            return jdk25.orElse(own);
        }
    }

    static int releaseVersion(Path home) {
        try {
            Matcher m = Pattern.compile("JAVA_VERSION=\"(\\d+)").matcher(Files.readString(home.resolve("release")));
            return m.find() ? Integer.parseInt(m.group(1)) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    @Test
    void aCorruptStartUpCacheNeitherFailsNorSlowsTheNextRunsForLong(@TempDir Path dir) throws Exception {
        Path co = checkout(dir);
        Map<String, String> env = Map.of("JAVA_HOME", realJdk().toString());
        Run first = launch(co, env, "datasets");
        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(first.out()).contains("args=datasets");

        List<Path> caches;
        try (Stream<Path> files = Files.list(co.resolve("nabla-cli/target"))) {
            caches = files.filter(f -> f.toString().matches(".*/nabla-\\d+\\.(aot|jsa)")).toList();
        }
        assertThat(caches).as("the first run left a cache or archive").hasSize(1);
        Path cache = caches.get(0);
        Files.delete(cache);   // the JVM writes its archive read-only
        Files.writeString(cache, "not a cache: a disk that filled up, a copy from elsewhere");

        Run corrupt = launch(co, env, "datasets");
        assertThat(corrupt.exit()).as(corrupt.err()).isZero();
        assertThat(corrupt.out()).contains("args=datasets");
        assertThat(corrupt.err()).as("nothing about the cache on the terminal").doesNotContainIgnoringCase("error").doesNotContain("[cds]", "[aot]");

        Run after = launch(co, env, "datasets");
        assertThat(after.exit()).as(after.err()).isZero();
        assertThat(after.out()).contains("args=datasets");
        if (cache.toString().endsWith(".aot")) {
            assertThat(after.err()).as("the cache the JVM could not map is made again").contains("making the JVM's start-up cache");
            assertThat(Files.readString(cache, java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotStartWith("not a cache");
        }
    }
}
