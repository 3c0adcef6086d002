package dev.opsbook.aws;

import java.lang.reflect.Method;
import java.util.Optional;

/**
 * One operation of a service, named as in the AWS API reference ({@code DescribeInstances},
 * {@code DescribeDBInstances}), whatever case a runbook wrote it in.
 *
 * @param service the service's canonical name ({@code cloudwatchlogs}, never the alias {@code logs})
 */
public record AwsOperation(String service, String name, Method method, Class<?> requestClass, Optional<Method> paginator) {

    public boolean isPaginated() {
        return paginator.isPresent();
    }
}
