package dev.opsbook.record;

import com.vladsch.flexmark.ast.HtmlBlock;
import com.vladsch.flexmark.ast.HtmlInline;
import com.vladsch.flexmark.ext.gfm.tasklist.TaskListExtension;
import com.vladsch.flexmark.ext.tables.TablesExtension;
import com.vladsch.flexmark.ext.yaml.front.matter.YamlFrontMatterExtension;
import com.vladsch.flexmark.html.HtmlRenderer;
import com.vladsch.flexmark.html.HtmlWriter;
import com.vladsch.flexmark.html.renderer.NodeRenderer;
import com.vladsch.flexmark.html.renderer.NodeRenderingHandler;
import com.vladsch.flexmark.parser.Parser;
import com.vladsch.flexmark.util.data.MutableDataSet;
import com.vladsch.flexmark.util.sequence.Escaping;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A run record (Markdown) as HTML, for the API's {@code text/html} record and the run page: rendered
 * as GitHub would (tables, task lists). Runbook prose and step output are untrusted, so raw HTML in
 * them is shown as text; the only markup let through is the bare {@code <details>}/{@code <summary>}
 * tags that {@link MarkdownRecord} itself writes to fold long output, and links to
 * {@code javascript:}, {@code vbscript:} or {@code data:} are dropped.
 * Thread-safe: the parser and renderer are immutable.
 */
public final class RecordHtml {

    /** Exactly these tags, without attributes, pass; everything else in raw HTML is escaped. */
    private static final Pattern FOLDING_TAG = Pattern.compile("</?(?:details|summary)>");

    private static final Parser PARSER;
    private static final HtmlRenderer RENDERER;

    static {
        MutableDataSet options = new MutableDataSet();
        options.set(Parser.EXTENSIONS, List.of(TablesExtension.create(), TaskListExtension.create(), YamlFrontMatterExtension.create()));
        // //why: links like javascript:alert(1) in prose would run on click; flexmark drops any link matching this
        options.set(HtmlRenderer.SUPPRESSED_LINKS, "(?i)\\s*(?:javascript|vbscript|data):.*");
        PARSER = Parser.builder(options).build();
        RENDERER = HtmlRenderer.builder(options)
                .nodeRendererFactory(data -> new FoldingOnly())
                .build();
    }

    private RecordHtml() {
    }

    /** The record as an HTML fragment, for a page that has its own head and layout. */
    public static String render(String markdown) {
        return RENDERER.render(PARSER.parse(markdown));
    }

    /** A whole page; no script, no inline style (the service's CSP forbids both). */
    public static String page(String title, String markdown) {
        return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" + Escaping.escapeHtml(title, false)
                + "</title>\n</head>\n<body>\n<main>\n" + render(markdown) + "</main>\n</body>\n</html>\n";
    }

    /** Raw HTML blocks and inline HTML: the folding tags as they are, the rest as text. */
    private static final class FoldingOnly implements NodeRenderer {
        @Override
        public Set<NodeRenderingHandler<?>> getNodeRenderingHandlers() {
            return Set.of(
                    new NodeRenderingHandler<>(HtmlBlock.class, (node, context, html) -> {
                        html.line();
                        write(node.getChars().toString(), html);
                        html.line();
                    }),
                    new NodeRenderingHandler<>(HtmlInline.class, (node, context, html) -> write(node.getChars().toString(), html)));
        }

        private static void write(String raw, HtmlWriter html) {
            Matcher tags = FOLDING_TAG.matcher(raw);
            int at = 0;
            while (tags.find()) {
                html.raw(Escaping.escapeHtml(raw.substring(at, tags.start()), false));
                html.raw(tags.group());
                at = tags.end();
            }
            html.raw(Escaping.escapeHtml(raw.substring(at), false));
        }
    }
}
