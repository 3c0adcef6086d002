package dev.opsbook.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Whether the processes a test started (by way of a step) are still running. */
public final class Processes {

    private Processes() {
    }

    /**
     * Running: alive and not a zombie.
     *
     * //why: an orphan whose new parent does not reap it (a container's init) stays a zombie, which ProcessHandle calls alive
     */
    public static boolean running(long pid) {
        if (!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            return false;
        }
        Path stat = Path.of("/proc", Long.toString(pid), "stat");
        try {
            String text = Files.readString(stat);
            return !text.substring(text.lastIndexOf(')') + 1).strip().startsWith("Z");
        } catch (IOException e) {
            return !Files.isDirectory(Path.of("/proc")) && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        }
    }

    /** The pid a script wrote to {@code file}, or -1 while it has not. */
    public static long pidIn(Path file) {
        try {
            String text = Files.readString(file).strip();
            return text.isEmpty() ? -1 : Long.parseLong(text);
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    /** Kills what a failed test left running. */
    public static void kill(long pid) {
        if (pid > 0) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }
}
