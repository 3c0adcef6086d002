package dev.opsbook.aws;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Read-only or mutating: by the operation's verb (Describe, List, Get, ... read), with a table
 * for the operations whose name misleads.
 */
public final class OperationSafety {

    private static final List<String> READ_VERBS = List.of(
            "Describe", "List", "Get", "Head", "Search", "Query", "Scan", "BatchGet", "Lookup", "Select",
            "Filter", "Estimate", "Preview", "Validate", "Verify", "Simulate", "Test", "Check", "Download", "View");

    /** service:Operation → true when read-only although its verb says otherwise, false for the reverse. */
    private static final Map<String, Boolean> EXCEPTIONS = caseInsensitive(Map.ofEntries(
            Map.entry("cloudwatchlogs:StartQuery", true),
            Map.entry("cloudwatchlogs:StopQuery", true),
            Map.entry("cloudformation:DetectStackDrift", true),
            Map.entry("cloudformation:DetectStackResourceDrift", true),
            Map.entry("sts:AssumeRole", true),
            Map.entry("sts:DecodeAuthorizationMessage", true),
            Map.entry("iam:GenerateCredentialReport", true),
            Map.entry("iam:GenerateServiceLastAccessedDetails", true),
            Map.entry("dynamodb:BatchGetItem", true),
            Map.entry("dynamodb:TransactGetItems", true),
            // reading these changes something
            Map.entry("sqs:ReceiveMessage", false),
            Map.entry("secretsmanager:GetRandomPassword", true),
            Map.entry("ec2:GetPasswordData", true),
            Map.entry("ssm:GetParameter", true),
            Map.entry("lambda:Invoke", false),
            Map.entry("ec2:TestMetricFilter", true),
            Map.entry("cloudwatchlogs:TestMetricFilter", true),
            Map.entry("iam:SimulatePrincipalPolicy", true),
            Map.entry("ecr:GetAuthorizationToken", true),
            Map.entry("ssm:GetCommandInvocation", true),
            // these start with a reading verb but change things
            Map.entry("cloudformation:TestType", false), // runs the extension's contract tests, which provision resources
            Map.entry("sns:VerifySMSSandboxPhoneNumber", false))); // marks the number verified

    private OperationSafety() {
    }

    /** Operations are written as in the API reference (DescribeDBInstances) or as the SDK names them (DescribeDbInstances). */
    private static Map<String, Boolean> caseInsensitive(Map<String, Boolean> entries) {
        Map<String, Boolean> map = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        map.putAll(entries);
        return Collections.unmodifiableMap(map);
    }

    /** Judged under the canonical names the lookup gave. */
    public static boolean isReadOnly(AwsOperation operation) {
        return isReadOnly(operation.service(), operation.name());
    }

    public static boolean isReadOnly(String service, String operation) {
        Boolean exception = EXCEPTIONS.get(service + ":" + operation);
        if (exception != null) {
            return exception;
        }
        for (String verb : READ_VERBS) {
            // the verb alone is an operation too: dynamodb:Query, dynamodb:Scan
            if (operation.equals(verb) || operation.startsWith(verb) && operation.length() > verb.length()
                    && Character.isUpperCase(operation.charAt(verb.length()))) {
                return true;
            }
        }
        return false;
    }
}
