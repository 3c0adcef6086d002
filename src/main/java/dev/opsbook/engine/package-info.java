/**
 * Runs a graph: a pure scheduler decides, the engine carries out with retries, timeouts,
 * cancellation, rollback. Step kinds plug in through StepExecutor.
 */
package dev.opsbook.engine;
