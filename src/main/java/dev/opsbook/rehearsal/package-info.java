/**
 * Rehearsals: runbooks run against simulated AWS, simulated steps and simulated time, never touching the world.
 * Test files ({@code NAME.test.yaml}), their cases and expectations, and what answers a case's (or a drill's) AWS calls.
 */
package dev.opsbook.rehearsal;
