/**
 * Incidents: runs that belong together (one incident id, one event, one alarm within a window) grouped, and their
 * timeline and post-incident draft drawn from the stored, already masked run events. Pure: the service reads the store.
 */
package dev.opsbook.incident;
