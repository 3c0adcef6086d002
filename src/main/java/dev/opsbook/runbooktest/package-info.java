/**
 * {@code opsbook test}: test files ({@code NAME.test.yaml}) read with positions, each case run as a rehearsal
 * (simulated AWS, steps and time), its expectations checked, the results as lines, JUnit XML and coverage.
 */
package dev.opsbook.runbooktest;
