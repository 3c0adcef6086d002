package dev.opsbook.runbooktest;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/** Results as JUnit XML, the form CI servers read: a test suite per runbook, a test case per case. */
public final class JUnitXml {

    private JUnitXml() {
    }

    public static void write(List<CaseResult> results, Path file) throws IOException {
        Map<String, List<CaseResult>> byRunbook = new LinkedHashMap<>();
        results.forEach(r -> byRunbook.computeIfAbsent(r.runbook(), k -> new java.util.ArrayList<>()).add(r));
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            XMLStreamWriter xml = XMLOutputFactory.newFactory().createXMLStreamWriter(out);
            xml.writeStartDocument("UTF-8", "1.0");
            xml.writeStartElement("testsuites");
            for (Map.Entry<String, List<CaseResult>> suite : byRunbook.entrySet()) {
                xml.writeStartElement("testsuite");
                xml.writeAttribute("name", suite.getKey());
                xml.writeAttribute("tests", Integer.toString(suite.getValue().size()));
                xml.writeAttribute("failures", Long.toString(suite.getValue().stream().filter(r -> !r.passed()).count()));
                xml.writeAttribute("time", seconds(suite.getValue().stream().mapToLong(r -> r.duration().toNanos()).sum()));
                for (CaseResult result : suite.getValue()) {
                    xml.writeStartElement("testcase");
                    xml.writeAttribute("classname", suite.getKey());
                    xml.writeAttribute("name", result.testCase().name());
                    xml.writeAttribute("time", seconds(result.duration().toNanos()));
                    if (!result.passed()) {
                        xml.writeStartElement("failure");
                        xml.writeAttribute("message", "expected " + result.failures().get(0).expected() + ", but " + result.failures().get(0).actual());
                        xml.writeCharacters(String.join("\n", CaseLines.failures(result)));
                        xml.writeEndElement();
                    }
                    xml.writeEndElement();
                }
                xml.writeEndElement();
            }
            xml.writeEndElement();
            xml.writeEndDocument();
            xml.close();
        } catch (XMLStreamException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    private static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.3f", nanos / 1e9);
    }
}
