package dev.opsbook.runbook;

import com.vladsch.flexmark.ext.gfm.tasklist.TaskListExtension;
import com.vladsch.flexmark.ext.gfm.tasklist.TaskListItem;
import com.vladsch.flexmark.ext.tables.TablesExtension;
import com.vladsch.flexmark.ext.yaml.front.matter.YamlFrontMatterExtension;
import com.vladsch.flexmark.parser.Parser;
import com.vladsch.flexmark.parser.internal.InlineParserImpl;
import com.vladsch.flexmark.util.ast.Node;
import com.vladsch.flexmark.util.data.MutableDataSet;
import com.vladsch.flexmark.util.sequence.BasedSequence;
import java.util.List;

/**
 * The Markdown parser the runbook reader uses: blocks in full (fences, headings, lists, task items,
 * tables, front matter), inline Markdown (emphasis, links, code spans) only in a task item's text,
 * the one place the reader reads it ({@code **Page** the team} is the step "Page the team"). The
 * reader takes steps from blocks and a heading's text as written, so the inline parse of every other
 * paragraph, heading and table cell is work nobody reads: a good part of flexmark's time on prose.
 */
final class MarkdownBlocks {

    private MarkdownBlocks() {
    }

    static Parser parser() {
        MutableDataSet options = new MutableDataSet();
        options.set(Parser.EXTENSIONS, List.of(
                YamlFrontMatterExtension.create(), TaskListExtension.create(), TablesExtension.create()));
        return Parser.builder(options)
                .customInlineParserFactory(TaskItemsOnly::new)
                .build();
    }

    /** flexmark's own inline parser, asked only for the paragraphs of task items. */
    private static final class TaskItemsOnly extends InlineParserImpl {

        TaskItemsOnly(com.vladsch.flexmark.util.data.DataHolder options, java.util.BitSet specialCharacters, java.util.BitSet delimiterCharacters,
                      java.util.Map<Character, com.vladsch.flexmark.parser.delimiter.DelimiterProcessor> delimiterProcessors,
                      com.vladsch.flexmark.parser.internal.LinkRefProcessorData linkRefProcessorsData,
                      List<com.vladsch.flexmark.parser.InlineParserExtensionFactory> inlineParserExtensions) {
            super(options, specialCharacters, delimiterCharacters, delimiterProcessors, linkRefProcessorsData, inlineParserExtensions);
        }

        @Override
        public void parse(BasedSequence content, Node block) {
            if (block.getParent() instanceof TaskListItem) {
                super.parse(content, block);
            }
        }
    }
}
