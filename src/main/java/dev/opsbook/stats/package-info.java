/**
 * What the runs add up to: runs per day, success rate, time to first step, time people spent, the steps that fail most,
 * and which checklist items are most worth automating. The model and its pure ranking; the store computes the figures.
 */
package dev.opsbook.stats;
