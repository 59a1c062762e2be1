package dev.nabla.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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

    /** Runs {@code ./nabla args...} in the checkout with this environment (JAVA_HOME and JAVA_OPTS unset unless given). */
    static Run launch(Path checkout, Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(checkout.resolve("nabla").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(checkout.toFile())
                .redirectOutput(checkout.resolve("out.txt").toFile()).redirectError(checkout.resolve("err.txt").toFile());
        pb.environment().keySet().removeAll(List.of("JAVA_HOME", "JAVA_OPTS"));
        pb.environment().putAll(env);
        Process p = pb.start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("nabla %s finished", String.join(" ", args)).isTrue();
        return new Run(p.exitValue(), Files.readString(checkout.resolve("out.txt")), Files.readString(checkout.resolve("err.txt")));
    }

    /**
     * A JDK that is only a release file and a bin/java script: the script prints its name and options, and writes the
     * files it is asked to (an ahead-of-time cache, a class list, an archive), so the launcher's choices are visible
     * without that JDK.
     */
    static Path fakeJdk(Path jvms, String name, int version) throws IOException {
        Path home = Files.createDirectories(jvms.resolve(name));
        Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"test\"\nJAVA_VERSION=\"" + version + ".0.1\"\n");
        Path java = Files.createDirectories(home.resolve("bin")).resolve("java");
        Files.writeString(java, "#!/bin/sh\n"
                + "for a in \"$@\"; do case \"$a\" in -XX:AOTCacheOutput=*|-XX:DumpLoadedClassList=*) echo made > \"${a#*=}\" ;; esac; done\n"
                + "case \"$*\" in *-Xshare:dump*) for a in \"$@\"; do case \"$a\" in -XX:SharedArchiveFile=*) echo made > \"${a#*=}\" ;; esac; done ;; esac\n"
                + "echo \"fake " + name + ": $*\"\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        return home;
    }

    @Test
    void aJdk25OrNewerRunsWithItsAheadOfTimeCacheMadeOnceAfterABuildAndAgainWhenTheJarIsNewer(@TempDir Path dir) throws Exception {
        Path co = checkout(Files.createDirectories(dir.resolve("co")));
        Path target = co.resolve("nabla-cli/target");
        Map<String, String> env = Map.of("JAVA_HOME", fakeJdk(dir.resolve("jvms"), "jdk-26", 26).toString());

        Run r = launch(co, env, "bench", "W2");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).contains("making the JVM's start-up cache");
        assertThat(r.out()).startsWith("fake jdk-26: ").contains("-XX:AOTCache=" + target.resolve("nabla-"), "-XX:+VerifySharedSpaces")
                .endsWith(" -jar " + target.resolve("nabla.jar") + " bench W2\n");

        Run again = launch(co, env, "bench", "W2");
        assertThat(again.out()).contains("-XX:AOTCache=");
        assertThat(again.err()).as("the cache is made once").doesNotContain("start-up cache");

        Files.setLastModifiedTime(target.resolve("nabla.jar"), java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 60_000));
        assertThat(launch(co, env, "bench", "W2").err()).as("a jar newer than the cache").contains("making the JVM's start-up cache");
    }

    @Test
    void aJvmOlderThan25RunsWithAStaticArchiveOfTheClassesATrainingRunLoaded(@TempDir Path dir) throws Exception {
        Path co = checkout(Files.createDirectories(dir.resolve("co")));
        Run r = launch(co, Map.of("JAVA_HOME", fakeJdk(dir.resolve("jvms"), "jdk-17", 17).toString()), "datasets");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("fake jdk-17: ").contains("-XX:SharedArchiveFile=" + co.resolve("nabla-cli/target/nabla-"))
                .doesNotContain("AOT", "ArchiveClassesAtExit");
    }

    @Test
    void withoutJavaHomeTheJavaOnThePathRuns(@TempDir Path dir) throws Exception {
        Path co = checkout(Files.createDirectories(dir.resolve("co")));
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Files.createSymbolicLink(bin.resolve("java"), fakeJdk(dir.resolve("jvms"), "jdk-17", 17).resolve("bin/java"));
        Run r = launch(co, Map.of("PATH", bin + ":/usr/bin:/bin"), "datasets");
        assertThat(r.out()).startsWith("fake jdk-17: ");
    }

    /** This JDK, and a JDK 25 or newer where one is installed (its start-up file is an ahead-of-time cache). */
    static List<Path> realJdks() throws IOException {
        List<Path> jdks = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"))));
        if (Runtime.version().feature() < 25 && Files.isDirectory(Path.of("/usr/lib/jvm"))) {
            try (Stream<Path> homes = Files.list(Path.of("/usr/lib/jvm"))) {
                homes.filter(h -> Files.isExecutable(h.resolve("bin/java")) && releaseVersion(h) >= 25).findFirst().ifPresent(jdks::add);
            }
        }
        return jdks;
    }

    static int releaseVersion(Path home) {
        try {
            Matcher m = Pattern.compile("JAVA_VERSION=\"(\\d+)").matcher(Files.readString(home.resolve("release")));
            return m.find() ? Integer.parseInt(m.group(1)) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    /** The one start-up file (cache or archive) the launcher made in this checkout. */
    static Path startUpFile(Path co) throws IOException {
        try (Stream<Path> files = Files.list(co.resolve("nabla-cli/target"))) {
            List<Path> made = files.filter(f -> f.toString().matches(".*/nabla-\\d+\\.(aot|jsa)")).toList();
            assertThat(made).as("the first run made a start-up cache or archive").hasSize(1);
            return made.get(0);
        }
    }

    @Test
    void aDamagedStartUpFileNeitherFailsNorCrashesARunAndA25CacheIsMadeAgain(@TempDir Path dir) throws Exception {
        for (Path jdk : realJdks()) {
            Path co = checkout(Files.createDirectories(dir.resolve(jdk.getFileName().toString())));
            Map<String, String> env = Map.of("JAVA_HOME", jdk.toString());
            Run first = launch(co, env, "datasets");
            assertThat(first.exit()).as("%s: %s", jdk, first.err()).isZero();
            assertThat(first.out()).contains("java.home=" + jdk.toRealPath(), "args=datasets");
            Path cache = startUpFile(co);
            byte[] good = Files.readAllBytes(cache);

            // not a cache at all, then one whose header is intact but whose contents are not (the JVM would crash on it)
            byte[] damaged = good.clone();
            for (int i = good.length / 2; i < good.length / 2 + 4096; i++) damaged[i] ^= (byte) 0x5a;
            for (byte[] bad : new byte[][] {"not a cache: a disk that filled up".getBytes(StandardCharsets.US_ASCII), damaged}) {
                Files.delete(cache);   // the JVM writes its files read-only
                Files.write(cache, bad);
                Run r = launch(co, env, "datasets");
                assertThat(r.exit()).as("%s, %d bytes: %s", jdk, bad.length, r.err()).isZero();
                assertThat(r.out()).contains("args=datasets");
                assertThat(r.err()).as("nothing about the cache on the terminal").doesNotContainIgnoringCase("error").doesNotContain("[cds]", "[aot]");

                Run after = launch(co, env, "datasets");
                assertThat(after.exit()).as(after.err()).isZero();
                if (cache.toString().endsWith(".aot")) {   // a JDK 25 logs what it could not map; Java 17's archive waits for the next build
                    assertThat(after.err()).as("%s: the cache the JVM could not map is made again", jdk).contains("making the JVM's start-up cache");
                    assertThat(Files.readAllBytes(cache)).as("%s: made again", jdk).isNotEqualTo(bad);
                }
            }
        }
    }
}
