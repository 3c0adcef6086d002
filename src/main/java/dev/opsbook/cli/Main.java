package dev.opsbook.cli;

import dev.opsbook.store.StoreException;
import io.quarkus.runtime.annotations.QuarkusMain;
import java.util.Arrays;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The entry point. Every command but {@code serve} runs as a plain picocli program: Quarkus
 * never boots, so nothing listens, no channel starts and {@code --help} or {@code validate}
 * costs what the JVM and the work cost. {@code serve} is prepared here, before Quarkus boots
 * ({@link ServeLaunch}: its options checked, the HTTP address and the queue chosen as Quarkus
 * configuration), then runs inside Quarkus.
 */
@QuarkusMain
public final class Main {

    private Main() {
    }

    public static void main(String... args) {
        if (ServeLaunch.isServe(args)) {
            System.exit(ServeLaunch.launch(args));
        }
        CliLogging.quiet();
        Optional<CommandLine> named = named(args);
        System.exit(named.isPresent() ? named.get().execute(Arrays.copyOfRange(args, 1, args.length)) : commandLine().execute(args));
    }

    static CommandLine commandLine() {
        return configured(new CommandLine(new OpsbookCommand()));
    }

    /**
     * {@code cli} answering as every opsbook command does when its run store cannot be used (not there, locked, upgraded by
     * a newer opsbook, gone away meanwhile): the store's one line, {@code error: ...}, and exit status 2, not a stack trace.
     */
    public static CommandLine configured(CommandLine cli) {
        return cli.setExecutionExceptionHandler((e, command, parsed) -> {
            if (e instanceof StoreException) {
                System.err.println("error: " + e.getMessage());
                return ExitCodes.INVALID;
            }
            throw e;
        });
    }

    /**
     * The command {@code args} names first, alone, under its full name ({@code opsbook validate}). //why: picocli builds the
     * model of every command it is given, a third of a second for all of them, and {@code validate} must stay fast; no
     * command reads its parent's options, so alone it parses and answers exactly as under {@code opsbook}.
     */
    static Optional<CommandLine> named(String... args) {
        if (args.length == 0) {
            return Optional.empty();
        }
        java.util.List<Class<?>> commands = Arrays.asList(OpsbookCommand.class.getAnnotation(Command.class).subcommands());
        return conventional(args[0]).filter(commands::contains).filter(type -> names(type, args[0]))
                .or(() -> commands.stream().filter(type -> names(type, args[0])).findFirst())
                .map(type -> configured(new CommandLine(type)).setCommandName("opsbook " + args[0]));
    }

    private static boolean names(Class<?> type, String name) {
        Command command = type.getAnnotation(Command.class);
        return command != null && command.name().equals(name);
    }

    /**
     * The class that {@code name}'s command has by this package's convention ({@code validate}: {@code ValidateCommand}).
     * //why: reading a class's annotations costs, and reading those of every command to find one was a few percent of
     * {@code validate}; a command not named by the convention is still found by its annotation
     */
    private static Optional<Class<?>> conventional(String name) {
        if (name.isEmpty() || !name.chars().allMatch(c -> c >= 'a' && c <= 'z')) {
            return Optional.empty();
        }
        try {
            return Optional.of(Class.forName(Main.class.getPackageName() + "." + Character.toUpperCase(name.charAt(0)) + name.substring(1)
                    + "Command", false, Main.class.getClassLoader()));
        } catch (ClassNotFoundException e) {
            return Optional.empty();
        }
    }
}
