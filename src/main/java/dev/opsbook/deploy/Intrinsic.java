package dev.opsbook.deploy;

/**
 * A CloudFormation function in its short form: {@code !GetAtt EventQueue.Arn}, {@code !Ref EventBusName},
 * {@code !Sub '${RecordBucket.Arn}/*'}.
 *
 * @param function the function's short name: GetAtt, Ref, Sub
 * @param argument its argument, a string as written after the tag
 */
public record Intrinsic(String function, String argument) {

    public static Intrinsic ref(String name) {
        return new Intrinsic("Ref", name);
    }

    public static Intrinsic getAtt(String resource, String attribute) {
        return new Intrinsic("GetAtt", resource + "." + attribute);
    }

    public static Intrinsic sub(String text) {
        return new Intrinsic("Sub", text);
    }
}
