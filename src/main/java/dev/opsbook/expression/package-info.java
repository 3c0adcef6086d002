/**
 * JMESPath expressions and {{ }} templates: compiling, evaluating, finding the names they read.
 */
package dev.opsbook.expression;
