package dev.opsbook.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opsbook.runbook.Suggestions;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.SdkField;
import software.amazon.awssdk.core.SdkPojo;
import software.amazon.awssdk.core.document.Document;
import software.amazon.awssdk.core.protocol.MarshallingType;
import software.amazon.awssdk.core.traits.ListTrait;
import software.amazon.awssdk.core.traits.MapTrait;
import software.amazon.awssdk.core.util.SdkAutoConstructList;
import software.amazon.awssdk.core.util.SdkAutoConstructMap;
import software.amazon.awssdk.utils.builder.SdkBuilder;

/**
 * JSON documents to SDK requests and SDK responses to JSON documents, through the SDK's own
 * model metadata ({@link SdkPojo#sdkFields()}): member names as in the API reference, nested
 * structures, lists, maps, timestamps (ISO-8601), blobs (UTF-8 text, or {@code {base64: ...}}).
 */
public final class ShapeDocuments {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    /** A problem with the input document, at a JSON pointer into it. */
    public record Problem(String pointer, String message) {
    }

    /** Thrown when an input cannot become a request. */
    public static final class InvalidInput extends RuntimeException {
        private final List<Problem> problems;

        InvalidInput(List<Problem> problems) {
            super(problems.stream().map(p -> (p.pointer().isEmpty() ? "" : p.pointer() + ": ") + p.message())
                    .reduce((a, b) -> a + "; " + b).orElse("invalid input"));
            this.problems = List.copyOf(problems);
        }

        public List<Problem> problems() {
            return problems;
        }
    }

    private ShapeDocuments() {
    }

    /** Builds the request; template strings ({{ }}) are not checked when {@code checkOnly}. */
    public static Object request(Class<?> requestClass, JsonNode input) {
        List<Problem> problems = new ArrayList<>();
        Object request = build(requestClass, input, "", problems, false);
        if (!problems.isEmpty()) {
            throw new InvalidInput(problems);
        }
        return request;
    }

    /**
     * The top-level members of a request that carry the idempotency-token trait (EC2's
     * {@code ClientToken}, CloudFormation's {@code ClientRequestToken}): the SDK fills them with a
     * random UUID when they are left out, so a retried call would act twice.
     */
    public static List<String> idempotencyTokenMembers(Class<?> requestClass) {
        SdkPojo builder;
        try {
            builder = (SdkPojo) requestClass.getMethod("builder").invoke(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("not an SDK request: " + requestClass, e);
        }
        // //why: the SDK marks these with DefaultValueTrait.idempotencyToken(), the only default-value trait its generated requests carry
        return builder.sdkFields().stream()
                .filter(f -> f.marshallingType() == software.amazon.awssdk.core.protocol.MarshallingType.STRING)
                .filter(f -> f.getTrait(software.amazon.awssdk.core.traits.DefaultValueTrait.class) != null)
                .map(SdkField::memberName).toList();
    }

    /** Checks an input that may still hold templates: unknown members and values of the wrong shape. */
    public static List<Problem> check(Class<?> requestClass, JsonNode input) {
        List<Problem> problems = new ArrayList<>();
        build(requestClass, input, "", problems, true);
        return problems;
    }

    private static Object build(Class<?> requestClass, JsonNode input, String pointer, List<Problem> problems, boolean checkOnly) {
        SdkPojo builder;
        try {
            builder = (SdkPojo) requestClass.getMethod("builder").invoke(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("not an SDK request: " + requestClass, e);
        }
        fill(builder, input == null || input.isNull() || input.isMissingNode() ? JSON.objectNode() : input, pointer, problems, checkOnly, requestClass.getSimpleName());
        return ((SdkBuilder<?, ?>) builder).build();
    }

    private static void fill(SdkPojo builder, JsonNode input, String pointer, List<Problem> problems, boolean checkOnly, String shape) {
        if (!input.isObject()) {
            if (!(checkOnly && isTemplate(input))) {
                problems.add(new Problem(pointer, "must be a mapping of " + shape + " members, not " + kindOf(input)));
            }
            return;
        }
        Map<String, SdkField<?>> fields = new LinkedHashMap<>();
        builder.sdkFields().forEach(f -> fields.put(f.memberName(), f));
        Iterator<Map.Entry<String, JsonNode>> members = input.fields();
        while (members.hasNext()) {
            Map.Entry<String, JsonNode> member = members.next();
            String at = pointer + "/" + member.getKey();
            SdkField<?> field = fields.get(member.getKey());
            if (field == null) {
                problems.add(new Problem(at, "unknown member '" + member.getKey() + "' of " + shape
                        + Suggestions.didYouMean(member.getKey(), fields.keySet())
                        + (fields.size() <= 30 ? "; members are " + String.join(", ", fields.keySet()) : "")));
                continue;
            }
            if (member.getValue().isNull()) {
                continue;
            }
            Object value = value(field, member.getValue(), at, problems, checkOnly);
            if (value != null && !checkOnly) {
                field.set(builder, value);
            }
        }
    }

    private static Object value(SdkField<?> field, JsonNode json, String pointer, List<Problem> problems, boolean checkOnly) {
        MarshallingType<?> type = field.marshallingType();
        if (checkOnly && isTemplate(json)) {
            return null; // known at run time only
        }
        try {
            if (type == MarshallingType.SDK_POJO) {
                SdkPojo nested = field.constructor().get();
                fill(nested, json, pointer, problems, checkOnly, shapeName(nested));
                return checkOnly ? null : ((SdkBuilder<?, ?>) nested).build();
            }
            if (type == MarshallingType.LIST) {
                SdkField<?> member = field.getRequiredTrait(ListTrait.class).memberFieldInfo();
                JsonNode items = json.isArray() ? json : JSON.arrayNode().add(json);
                List<Object> list = new ArrayList<>();
                for (int i = 0; i < items.size(); i++) {
                    Object item = value(member, items.get(i), pointer + "/" + i, problems, checkOnly);
                    if (item != null) {
                        list.add(item);
                    }
                }
                return list;
            }
            if (type == MarshallingType.MAP) {
                if (!json.isObject()) {
                    problems.add(new Problem(pointer, "must be a mapping, not " + kindOf(json)));
                    return null;
                }
                SdkField<?> valueField = field.getRequiredTrait(MapTrait.class).valueFieldInfo();
                Map<String, Object> map = new LinkedHashMap<>();
                json.fields().forEachRemaining(e -> {
                    Object value = value(valueField, e.getValue(), pointer + "/" + e.getKey(), problems, checkOnly);
                    if (value != null) {
                        map.put(e.getKey(), value);
                    }
                });
                return map;
            }
            if (type == MarshallingType.DOCUMENT) {
                return document(json);
            }
            return scalar(type, json, pointer, problems);
        } catch (IllegalStateException e) {
            problems.add(new Problem(pointer, e.getMessage()));
            return null;
        }
    }

    private static Object scalar(MarshallingType<?> type, JsonNode json, String pointer, List<Problem> problems) {
        if (json.isContainerNode()) {
            problems.add(new Problem(pointer, "must be a single value (" + typeName(type) + "), not " + kindOf(json)));
            return null;
        }
        String text = json.asText();
        try {
            if (type == MarshallingType.STRING) {
                return text;
            }
            if (type == MarshallingType.INTEGER) {
                return json.isIntegralNumber() ? json.intValue() : Integer.valueOf(text.strip());
            }
            if (type == MarshallingType.LONG) {
                return json.isIntegralNumber() ? json.longValue() : Long.valueOf(text.strip());
            }
            if (type == MarshallingType.SHORT) {
                return Short.valueOf(text.strip());
            }
            if (type == MarshallingType.BYTE) {
                return Byte.valueOf(text.strip());
            }
            if (type == MarshallingType.FLOAT) {
                return Float.valueOf(text.strip());
            }
            if (type == MarshallingType.DOUBLE) {
                return json.isNumber() ? json.doubleValue() : Double.valueOf(text.strip());
            }
            if (type == MarshallingType.BIG_DECIMAL) {
                return new BigDecimal(text.strip());
            }
            if (type == MarshallingType.BOOLEAN) {
                if (json.isBoolean()) {
                    return json.booleanValue();
                }
                if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
                    return Boolean.valueOf(text);
                }
                problems.add(new Problem(pointer, "must be true or false, not '" + text + "'"));
                return null;
            }
            if (type == MarshallingType.INSTANT) {
                return json.isNumber() ? Instant.ofEpochMilli((long) (json.doubleValue() * 1000)) : Instant.parse(text.strip());
            }
            if (type == MarshallingType.SDK_BYTES) {
                return SdkBytes.fromUtf8String(text);
            }
        } catch (NumberFormatException | DateTimeParseException e) {
            problems.add(new Problem(pointer, "'" + text + "' is not " + typeName(type)));
            return null;
        }
        problems.add(new Problem(pointer, "values of type " + type + " are not supported"));
        return null;
    }

    /** An SDK object (a response, or any part of one) as a JSON document. */
    public static JsonNode json(Object value) {
        if (value == null) {
            return JSON.nullNode();
        }
        if (value instanceof SdkPojo pojo) {
            ObjectNode object = JSON.objectNode();
            for (SdkField<?> field : pojo.sdkFields()) {
                Object member = field.getValueOrDefault(pojo);
                if (member == null || member instanceof SdkAutoConstructList<?> || member instanceof SdkAutoConstructMap<?, ?>) {
                    continue;
                }
                object.set(field.memberName(), json(member));
            }
            return object;
        }
        if (value instanceof List<?> list) {
            ArrayNode array = JSON.arrayNode();
            list.forEach(item -> array.add(json(item)));
            return array;
        }
        if (value instanceof Map<?, ?> map) {
            ObjectNode object = JSON.objectNode();
            map.forEach((k, v) -> object.set(String.valueOf(k), json(v)));
            return object;
        }
        if (value instanceof String text) {
            return JSON.textNode(text);
        }
        if (value instanceof Boolean bool) {
            return JSON.booleanNode(bool);
        }
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            return JSON.numberNode(((Number) value).longValue());
        }
        if (value instanceof Float || value instanceof Double) {
            return JSON.numberNode(((Number) value).doubleValue());
        }
        if (value instanceof BigDecimal decimal) {
            return JSON.numberNode(decimal);
        }
        if (value instanceof Instant instant) {
            return JSON.textNode(instant.toString());
        }
        if (value instanceof SdkBytes bytes) {
            return bytes(bytes.asByteArray());
        }
        if (value instanceof Document document) {
            return documentJson(document);
        }
        return JSON.textNode(value.toString());
    }

    private static JsonNode bytes(byte[] bytes) {
        try {
            return JSON.textNode(StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString());
        } catch (CharacterCodingException e) {
            return JSON.objectNode().put("base64", Base64.getEncoder().encodeToString(bytes));
        }
    }

    private static Document document(JsonNode json) {
        if (json.isObject()) {
            Map<String, Document> map = new LinkedHashMap<>();
            json.fields().forEachRemaining(e -> map.put(e.getKey(), document(e.getValue())));
            return Document.fromMap(map);
        }
        if (json.isArray()) {
            List<Document> list = new ArrayList<>();
            json.forEach(item -> list.add(document(item)));
            return Document.fromList(list);
        }
        if (json.isBoolean()) {
            return Document.fromBoolean(json.booleanValue());
        }
        if (json.isNumber()) {
            return Document.fromNumber(json.decimalValue());
        }
        if (json.isNull()) {
            return Document.fromNull();
        }
        return Document.fromString(json.asText());
    }

    private static JsonNode documentJson(Document document) {
        if (document.isMap()) {
            ObjectNode object = JSON.objectNode();
            document.asMap().forEach((k, v) -> object.set(k, documentJson(v)));
            return object;
        }
        if (document.isList()) {
            ArrayNode array = JSON.arrayNode();
            document.asList().forEach(item -> array.add(documentJson(item)));
            return array;
        }
        if (document.isBoolean()) {
            return JSON.booleanNode(document.asBoolean());
        }
        if (document.isNumber()) {
            return JSON.numberNode(document.asNumber().bigDecimalValue());
        }
        if (document.isNull()) {
            return JSON.nullNode();
        }
        return JSON.textNode(document.asString());
    }

    private static boolean isTemplate(JsonNode json) {
        return json.isTextual() && json.textValue().contains("{{");
    }

    private static String shapeName(SdkPojo builder) {
        String name = builder.getClass().getName();
        int dollar = name.lastIndexOf('$');
        String outer = dollar > 0 ? name.substring(0, dollar) : name;
        return outer.substring(outer.lastIndexOf('.') + 1);
    }

    private static String kindOf(JsonNode json) {
        if (json.isObject()) {
            return "a mapping";
        }
        if (json.isArray()) {
            return "a list";
        }
        return "'" + json.asText() + "'";
    }

    private static String typeName(MarshallingType<?> type) {
        if (type == MarshallingType.INTEGER || type == MarshallingType.LONG || type == MarshallingType.SHORT || type == MarshallingType.BYTE) {
            return "an integer";
        }
        if (type == MarshallingType.FLOAT || type == MarshallingType.DOUBLE || type == MarshallingType.BIG_DECIMAL) {
            return "a number";
        }
        if (type == MarshallingType.INSTANT) {
            return "a timestamp (ISO-8601, e.g. 2026-11-23T03:00:00Z)";
        }
        if (type == MarshallingType.BOOLEAN) {
            return "true or false";
        }
        return "a string";
    }
}
