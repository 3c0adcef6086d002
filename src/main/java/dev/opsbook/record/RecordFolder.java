package dev.opsbook.record;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/** Records as files in a folder: {@code DIR/RUNBOOK-ID/RUN-ID.md}, each written to a temporary file and moved in place. */
public record RecordFolder(Path dir) implements RecordPlace {

    @Override
    public String write(String name, String text) throws IOException {
        Path file = dir.resolve(name).toAbsolutePath();
        writeWhole(file, text);
        return dir.resolve(name).toString();
    }

    @Override
    public String describe() {
        return dir.toString();
    }

    /** Writes {@code file} whole: a reader sees the old text or the new, never a part. */
    public static void writeWhole(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        // //why: a name of its own per write (two instances may share a folder), and not createTempFile, whose file only its owner reads
        Path partial = file.resolveSibling("." + file.getFileName() + "." + UUID.randomUUID() + ".partial");
        try {
            Files.writeString(partial, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(partial);
        }
    }
}
