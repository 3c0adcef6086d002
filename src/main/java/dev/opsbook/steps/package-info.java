/**
 * One executor per step kind: shell, http, manual, approve, assert.
 */
package dev.opsbook.steps;
