package dev.opsbook.web;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/** The stylesheet and the script, from the classpath: nothing is loaded from anywhere else. */
@Path("/static/{file}")
public class Assets {

    private static final Map<String, String> TYPES = Map.of(
            "opsbook.css", "text/css; charset=utf-8",
            "opsbook.js", "text/javascript; charset=utf-8");

    @GET
    @PermitAll
    public Response asset(@PathParam("file") String file) throws IOException {
        String type = TYPES.get(file);
        if (type == null) {
            return Response.status(404).type("text/plain; charset=utf-8").entity("no such file: " + file).build();
        }
        try (InputStream in = Assets.class.getClassLoader().getResourceAsStream("web/static/" + file)) {
            return Response.ok(in.readAllBytes()).type(type).build();
        }
    }
}
