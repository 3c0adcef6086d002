/**
 * The opsbook command line (picocli in Quarkus command mode): run, validate, graph.
 */
package dev.opsbook.cli;
