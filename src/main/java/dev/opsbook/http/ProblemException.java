package dev.opsbook.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/** A handler's way out with a problem document; {@code extra} adds members (diagnostics, say). */
public final class ProblemException extends RuntimeException {

    private final Problem problem;
    private final transient Optional<ObjectNode> extra;

    public ProblemException(Problem problem) {
        this(problem, Optional.empty());
    }

    public ProblemException(Problem problem, Optional<ObjectNode> extra) {
        super(problem.detail(), null, false, false);
        this.problem = problem;
        this.extra = extra;
    }

    public Problem problem() {
        return problem;
    }

    public Optional<ObjectNode> extra() {
        return extra;
    }
}
