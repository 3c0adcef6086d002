package dev.opsbook.store;

import dev.opsbook.engine.RunEvent;
import dev.opsbook.engine.RunStatus;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/**
 * Another opsbook process on the same embedded store (as {@code opsbook approve} would be while
 * {@code opsbook serve} runs), for {@link H2RunStoreTest}. Reads commands from stdin, one a line,
 * and answers each with one line on stdout.
 */
public final class SecondProcess {

    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        try (RunStore store = JdbcRunStore.open(args[0], "sa", "")) {
            System.out.println("open");
            for (String line = in.readLine(); line != null && !line.equals("exit"); line = in.readLine()) {
                String[] command = line.split(" ");
                String answer = switch (command[0]) {
                    case "claim" -> String.valueOf(store.claim(new ReceivedEvent(command[1], Instant.now(), "sqs", "test", "test",
                            EventOutcome.RECEIVED, "", List.of(), "{}")));
                    case "status" -> store.run(command[1]).map(run -> run.status().name()).orElse("none");
                    case "finish" -> {
                        store.append(command[1], Long.parseLong(command[2]), new RunEvent.RunFinished(Instant.now(), RunStatus.SUCCEEDED, ""));
                        yield "finished";
                    }
                    default -> "unknown command " + command[0];
                };
                System.out.println(answer);
            }
        }
    }
}
