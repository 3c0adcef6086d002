package dev.opsbook.steps;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A command run in a process group of its own, which ends with it: every process the command
 * starts, backgrounded or detached from it ({@code (cmd &)}), is in the group unless it makes a
 * session of its own. {@link #wrap} puts a small bash guard between this JVM and the command: the
 * guard starts the command as a job (its own group), forwards SIGTERM/SIGINT/SIGHUP to the whole
 * group (SIGKILL 2 s later), passes the command's exit status on, and watches this JVM: once the
 * JVM is gone, killed by {@code kill -9} too, the guard ends the group within about a second
 * (SIGTERM, SIGKILL 5 s later). When the command ends, what it left running in the background
 * gets SIGTERM: a step's processes end with the step. The guard itself writes nothing (bash
 * reports jobs on its stderr): only the command has the pipes.
 *
 * //why: a bash guard rather than setsid, prctl(PR_SET_PDEATHSIG) or ProcessHandle.descendants():
 * Java can neither signal a process group nor set a death signal; PR_SET_PDEATHSIG (setpriv
 * --pdeathsig) is Linux only and reaches the direct child, not its children; descendants() misses
 * processes already re-parented to init, and nothing in the JVM runs after kill -9. bash, which
 * runs the step anyway, has job control ({@code set -m}) and {@code kill -- -PGID} everywhere.
 */
final class ProcessGroup {

    /** How long the group has after SIGTERM before SIGKILL, when the step is cancelled or times out. */
    static final long GRACE_SECONDS = 2;

    private static final String GUARD = """
            jvm=$1; shift
            exec 3>&1 4>&2 >/dev/null 2>&1
            set -m
            "$@" >&3 2>&4 3>&- 4>&- &
            child=$!
            set +m
            exec 3>&- 4>&-
            end() { kill -TERM -- "-$child" 2>/dev/null; (sleep %1$d; kill -KILL -- "-$child" 2>/dev/null) </dev/null >/dev/null 2>&1 & }
            trap end TERM INT HUP
            (while kill -0 "$jvm" 2>/dev/null; do sleep 1; done; kill -TERM -- "-$child" 2>/dev/null; sleep 5
             kill -KILL -- "-$child" 2>/dev/null) </dev/null >/dev/null 2>&1 &
            watcher=$!
            while :; do
              wait "$child"; code=$?
              kill -0 "$child" 2>/dev/null || break
            done
            kill "$watcher" 2>/dev/null
            kill -TERM -- "-$child" 2>/dev/null
            exit "$code"
            """.formatted(GRACE_SECONDS);

    private ProcessGroup() {
    }

    /** The command line that runs {@code command} in a group of its own, guarded as above. */
    static List<String> wrap(List<String> command) {
        List<String> wrapped = new ArrayList<>(List.of("bash", "--noprofile", "--norc", "-c", GUARD, "opsbook-step",
                Long.toString(ProcessHandle.current().pid())));
        wrapped.addAll(command);
        return wrapped;
    }

    /**
     * Ends a process started from {@link #wrap}: SIGTERM to the guard, which ends the group; after the grace
     * (and a second more), SIGKILL to whatever is left of the tree.
     */
    static void end(Process process) {
        process.destroy();
        try {
            if (!process.waitFor(GRACE_SECONDS + 1, TimeUnit.SECONDS)) {
                forcibly(process);
                process.waitFor(2, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            forcibly(process);
            Thread.currentThread().interrupt();
        }
    }

    private static void forcibly(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }
}
