package dev.opsbook.aws;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import software.amazon.awssdk.awscore.AwsRequest;

/**
 * One AWS service as the SDK for Java v2 models it: its client interface and, read from that
 * interface, every operation it has. Nothing here is written per service.
 *
 * @param name the name runbooks use: the SDK module's name ({@code ec2}, {@code cloudwatchlogs})
 * @param iamPrefix the prefix of its IAM actions ({@code ec2}, {@code logs}, {@code events})
 */
public record AwsService(String name, String iamPrefix, Class<?> clientInterface, Map<String, AwsOperation> operations) {

    static AwsService of(String name, Class<?> clientInterface) {
        Map<String, AwsOperation> operations = new TreeMap<>();
        for (Method method : clientInterface.getMethods()) {
            if (method.getParameterCount() != 1 || Modifier.isStatic(method.getModifiers())) {
                continue;
            }
            Class<?> parameter = method.getParameterTypes()[0];
            if (!AwsRequest.class.isAssignableFrom(parameter) || method.getName().endsWith("Paginator")
                    || !parameter.getSimpleName().endsWith("Request")) {
                continue;
            }
            String requestName = parameter.getSimpleName().substring(0, parameter.getSimpleName().length() - "Request".length());
            if (!method.getName().equalsIgnoreCase(requestName) || !method.getReturnType().getSimpleName().endsWith("Response")) {
                continue; // overloads taking a path or a stream, not the plain call
            }
            // //why: the SDK's classes lower-case acronyms (DescribeDbInstancesRequest) but its methods keep the
            // API reference's spelling (describeDBInstances), which is also the IAM action's
            String operation = Character.toUpperCase(method.getName().charAt(0)) + method.getName().substring(1);
            Method paginator = null;
            try {
                paginator = clientInterface.getMethod(method.getName() + "Paginator", parameter);
            } catch (NoSuchMethodException e) {
                // not paginated
            }
            operations.put(operation, new AwsOperation(name, operation, method, parameter, Optional.ofNullable(paginator)));
        }
        return new AwsService(name, iamPrefix(name, clientInterface), clientInterface, Map.copyOf(operations));
    }

    /**
     * By its name in the API reference ({@code DescribeDBInstances}), or that name in any other
     * case ({@code describedbinstances}, the SDK's {@code DescribeDbInstances}); the operation
     * found always carries the API reference's name.
     */
    public Optional<AwsOperation> operation(String name) {
        AwsOperation exact = operations.get(name);
        if (exact != null) {
            return Optional.of(exact);
        }
        return operations.values().stream().filter(o -> o.name().equalsIgnoreCase(name)).findFirst();
    }

    public Collection<String> operationNames() {
        return new TreeMap<>(operations).keySet();
    }

    /** IAM action prefixes mostly equal the endpoint prefix; the exceptions are listed. */
    private static String iamPrefix(String name, Class<?> clientInterface) {
        String endpointPrefix;
        try {
            endpointPrefix = (String) clientInterface.getField("SERVICE_METADATA_ID").get(null);
        } catch (ReflectiveOperationException e) {
            endpointPrefix = name;
        }
        return switch (endpointPrefix) {
            case "monitoring" -> "cloudwatch";
            case "email" -> "ses";
            default -> endpointPrefix;
        };
    }
}
