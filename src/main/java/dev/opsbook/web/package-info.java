/**
 * The web pages of {@code opsbook serve}: runbook catalog and launch forms, run list, run pages
 * followed live, login; HTML rendered on the server with Qute, one stylesheet and one script.
 */
package dev.opsbook.web;
