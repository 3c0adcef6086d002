package dev.opsbook.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Row 6's Jupyter peer: a notebook (nbformat 4) of one {@code urllib} GET per cell, as a playbook notebook is written today. */
final class Notebook {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Notebook() {
    }

    static String of(String base, int calls) {
        ObjectNode notebook = JSON.createObjectNode().put("nbformat", 4).put("nbformat_minor", 5);
        notebook.putObject("metadata").putObject("kernelspec").put("name", "python3").put("display_name", "Python 3").put("language", "python");
        ArrayNode cells = notebook.putArray("cells");
        // a proxy in the environment must not carry local calls, as use_proxy: false says for Ansible
        cell(cells, "setup", "import urllib.request\nopener = urllib.request.build_opener(urllib.request.ProxyHandler({}))");
        for (int i = 1; i <= calls; i++) {
            cell(cells, "call-" + i, "opener.open(\"" + base + "/" + i + "\").read()");
        }
        return notebook.toPrettyString();
    }

    private static void cell(ArrayNode cells, String id, String source) {
        ObjectNode cell = cells.addObject().put("cell_type", "code").put("id", id);
        cell.putObject("metadata");
        cell.putNull("execution_count");
        cell.putArray("outputs");
        cell.put("source", source);
    }
}
