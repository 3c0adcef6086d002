/**
 * Events that start runs: the EventBridge envelope, event patterns compiled into AWS's own
 * matcher (event-ruler), parameters mapped from a matching event, and the check that reports a
 * pattern event-ruler refuses at its line and column. Intake (SQS, HTTP), deduplication and
 * limits at run time build on this package.
 */
package dev.opsbook.trigger;
