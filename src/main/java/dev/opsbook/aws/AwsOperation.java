package dev.opsbook.aws;

import java.lang.reflect.Method;
import java.util.Optional;

/** One operation of a service, named as in the AWS API reference ({@code DescribeInstances}). */
public record AwsOperation(String service, String name, Method method, Class<?> requestClass, Optional<Method> paginator) {

    public boolean isPaginated() {
        return paginator.isPresent();
    }
}
