/**
 * The service's HTTP layer on the JDK's server: a router of method and path templates, requests
 * authenticated by token or browser session, role checks, RFC 9457 problems, security headers, streams.
 */
package dev.opsbook.http;
