/**
 * HTTP pieces with no domain knowledge, on Quarkus's router: RFC 9457 problems (and what the
 * router answers before any resource, as problems), JSON body errors, security headers.
 */
package dev.opsbook.http;
