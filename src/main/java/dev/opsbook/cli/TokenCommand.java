package dev.opsbook.cli;

import dev.opsbook.access.ApiToken;
import dev.opsbook.access.ApiTokens;
import dev.opsbook.access.Role;
import dev.opsbook.store.RunStore;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "token", mixinStandardHelpOptions = true,
        description = "API tokens for opsbook serve's REST API and web pages, kept hashed in the run store.",
        subcommands = {TokenCommand.Create.class, TokenCommand.ListTokens.class, TokenCommand.Revoke.class})
public class TokenCommand {

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Creates a token and prints it once: only its hash is kept, so copy it now.",
            footer = {"", "Roles: viewer reads; operator also launches, cancels and resumes runs; approver also answers waiting steps."})
    static class Create implements Callable<Integer> {

        @Option(names = "--role", paramLabel = "ROLE", required = true, split = ",",
                description = "viewer, operator or approver; repeat (or separate with commas) for several.")
        List<String> roles;

        @Option(names = "--name", paramLabel = "NAME", description = "Whose it is: records and the audit name this (default: the token's id).")
        String name;

        @Mixin
        StoreOption store;

        @Override
        public Integer call() {
            Set<Role> parsed = EnumSet.noneOf(Role.class);
            for (String role : roles) {
                var found = Role.parse(role);
                if (found.isEmpty()) {
                    System.err.println("error: --role " + role + " is no role; use " + Role.labels());
                    return ExitCodes.INVALID;
                }
                parsed.add(found.get());
            }
            try (RunStore runs = store.open()) {
                ApiTokens.Issued issued = new ApiTokens(runs.tokens(), Clock.systemUTC()).issue(name, parsed);
                System.out.println(issued.secret());
                System.err.println("token " + issued.token().id() + " (" + issued.token().name() + ", " + labels(issued.token())
                        + ") created; it is shown this once. Send it as: Authorization: Bearer <token>");
                return ExitCodes.OK;
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists tokens: id, name, roles, when created, whether revoked.")
    static class ListTokens implements Callable<Integer> {

        @Mixin
        StoreOption store;

        @Override
        public Integer call() {
            try (RunStore runs = store.open()) {
                List<ApiToken> tokens = runs.tokens().tokens();
                if (tokens.isEmpty()) {
                    System.out.println("no tokens; create one with: opsbook token create --role viewer --name NAME");
                    return ExitCodes.OK;
                }
                System.out.printf("%-13s  %-20s  %-26s  %-20s  %s%n", "ID", "NAME", "ROLES", "CREATED", "STATE");
                for (ApiToken token : tokens) {
                    System.out.printf("%-13s  %-20s  %-26s  %-20s  %s%n", token.id(), token.name(), labels(token),
                            token.createdAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS),
                            token.revokedAt().map(at -> "revoked " + at.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)).orElse("active"));
                }
                return ExitCodes.OK;
            }
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revokes a token at once: requests and browser sessions made with it are refused.")
    static class Revoke implements Callable<Integer> {

        @Parameters(index = "0", paramLabel = "ID", description = "The token's id (tok-...), as opsbook token list shows it.")
        String id;

        @Mixin
        StoreOption store;

        @Override
        public Integer call() {
            try (RunStore runs = store.open()) {
                var token = runs.tokens().token(id);
                if (token.isEmpty()) {
                    System.err.println("error: no token " + id + "; opsbook token list shows them");
                    return ExitCodes.INVALID;
                }
                if (!runs.tokens().revokeToken(id, Instant.now())) {
                    System.err.println("error: token " + id + " was revoked already, at " + token.get().revokedAt().orElseThrow());
                    return ExitCodes.FAILED;
                }
                System.out.println("revoked " + id + " (" + token.get().name() + ")");
                return ExitCodes.OK;
            }
        }
    }

    private static String labels(ApiToken token) {
        return String.join(",", token.roles().stream().map(Role::label).sorted().toList());
    }
}
