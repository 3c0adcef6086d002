package dev.opsbook.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.ws.rs.core.Response;
import java.util.Optional;

/** A {@link Problem} as a JAX-RS response: {@code application/problem+json}, {@code instance} the request's path. */
public final class Problems {

    private Problems() {
    }

    public static Response.ResponseBuilder response(Problem problem, String instance) {
        return response(problem, instance, Optional.empty());
    }

    public static Response.ResponseBuilder response(Problem problem, String instance, Optional<ObjectNode> extra) {
        ObjectNode json = problem.toJson(instance);
        extra.ifPresent(json::setAll);
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(json.toString());
    }
}
