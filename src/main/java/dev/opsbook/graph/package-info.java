/**
 * The step graph: reading order and needs, handlers, cycles and reference checks; text and
 * Mermaid views.
 */
package dev.opsbook.graph;
