/**
 * The engine as a service: SQS and HTTP intake, the dispatcher that turns events into runs
 * (exactly one per event, within the runbooks' limits), runbook folders that reload, and the
 * resumer that takes up runs a person answered.
 */
package dev.opsbook.service;
