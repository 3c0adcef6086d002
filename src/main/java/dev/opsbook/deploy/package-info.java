/**
 * What deploys opsbook to AWS, as text: the EventBridge rules its runbooks' triggers need and the service's role policy, as
 * JSON or as CloudFormation resources in the YAML of {@code deploy/cloudformation.yaml} (short-form functions included).
 */
package dev.opsbook.deploy;
