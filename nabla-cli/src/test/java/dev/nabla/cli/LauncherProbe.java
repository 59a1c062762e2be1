package dev.nabla.cli;

import java.lang.management.ManagementFactory;

/** Stands in for nabla.jar in {@link LauncherTest}: prints which JVM the launcher started, with which options. */
public final class LauncherProbe {
    private LauncherProbe() {}

    public static void main(String[] args) {
        System.out.println("java.home=" + System.getProperty("java.home"));
        System.out.println("jvm=" + String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
        System.out.println("args=" + String.join(" ", args));
    }
}
