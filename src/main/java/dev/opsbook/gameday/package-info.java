/**
 * Game days: the scenario (events to inject, simulated AWS answers or {@code live}, what a good response looks like),
 * the expectations judged from the drills' histories, and the Markdown report. Pure: the service injects and stores.
 */
package dev.opsbook.gameday;
