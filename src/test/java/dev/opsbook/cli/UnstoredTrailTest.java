package dev.opsbook.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opsbook.record.RecordPlace;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The trail of a --no-store run copied beside its record in a bucket while the run still appends to it. */
class UnstoredTrailTest {

    @TempDir
    Path dir;

    @Test
    void a_copy_made_while_a_line_is_half_written_leaves_that_line_to_the_next_copy() throws IOException {
        Path file = dir.resolve("r1.audit.jsonl");
        String first = "{\"seq\":1,\"what\":\"run started by zoë\"}\n";
        byte[] half = "{\"seq\":2,\"what\":\"zoë".getBytes(StandardCharsets.UTF_8);
        byte[] cut = java.util.Arrays.copyOf(half, half.length - 1); // in the middle of ë's two bytes
        Files.write(file, (first).getBytes(StandardCharsets.UTF_8));
        Files.write(file, cut, java.nio.file.StandardOpenOption.APPEND);
        Bucket bucket = new Bucket();

        UnstoredTrail.copy(bucket, file, "deploy").write("r1", bucket);

        assertThat(bucket.objects).containsExactly(Map.entry(RecordPlace.trailName("deploy", "r1"), first));
    }

    /** A record place that is not a folder, keeping what is written to it. */
    private static final class Bucket implements RecordPlace {
        final Map<String, String> objects = new LinkedHashMap<>();

        @Override
        public String write(String name, String text) {
            objects.put(name, text);
            return "s3://bucket/" + name;
        }

        @Override
        public String describe() {
            return "s3://bucket";
        }
    }
}
