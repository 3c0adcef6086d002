package dev.opsbook.runbook;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opsbook.expression.ExpressionException;
import dev.opsbook.expression.Template;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Reads {@code escalation:} in its three forms (one tier as a mapping, a list of tiers, the name of a shared path)
 * and the {@code tiers:} of a shared path's file, reporting every mistake where it was written.
 */
final class EscalationReader {

    static final Set<String> TIER_KEYS = Set.of("after", "sns", "webhook", "pagerduty", "email");
    /** A shared path's name is its file's name without {@code .yaml}. */
    static final Pattern PATH_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");

    private static final Pattern SNS_TOPIC_ARN = Pattern.compile(
            "arn:aws[a-z-]*:sns:[a-z0-9-]+:\\d{12}:[A-Za-z0-9_-]{1,256}(\\.fifo)?");
    /** //why: PagerDuty's integration (routing) keys are 32 letters and digits; anything else is a pasted URL or service id. */
    private static final Pattern ROUTING_KEY = Pattern.compile("[A-Za-z0-9]{32}");
    private static final Pattern EMAIL = Pattern.compile("[^@\\s{}]+@[^@\\s{}]+\\.[^@\\s{}.]+");
    private static final String CHANNELS_NEEDED = "sns: (an SNS topic ARN), webhook: (an http(s) URL), pagerduty:"
            + " (an Events API v2 routing key) or email: (addresses)";

    private final Function<String, Position> position;
    private final TriggerSettings.Sink sink;

    EscalationReader(Function<String, Position> position, TriggerSettings.Sink sink) {
        this.position = position;
        this.sink = sink;
    }

    /** The front matter's {@code escalation:} at {@code pointer}. */
    Optional<Escalation> escalation(JsonNode node, String pointer) {
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        Position at = position.apply(pointer);
        if (node.isTextual()) {
            String name = node.textValue().strip();
            if (!PATH_NAME.matcher(name).matches() || name.endsWith(".yaml")) {
                sink.error(at, "escalation '" + node.textValue() + "' is no shared path's name: write the name of a file in escalation-paths/"
                        + " without .yaml (letters, digits, '.', '-', '_'), e.g. escalation: oncall for escalation-paths/oncall.yaml");
                return Optional.empty();
            }
            return Optional.of(new Escalation(Optional.of(name), List.of(), at));
        }
        if (node.isObject()) {
            return tier(node, pointer, "escalation", 0).map(t -> new Escalation(Optional.empty(), List.of(t), at));
        }
        if (node.isArray()) {
            return tiers(node, pointer, "escalation").map(t -> new Escalation(Optional.empty(), t, at));
        }
        sink.error(at, "escalation must be one tier { sns: arn:aws:sns:us-east-1:123456789012:oncall, webhook: https://... }, a list of"
                + " tiers each with after: and channels, or the name of a shared path in escalation-paths/, not " + shown(node));
        return Optional.empty();
    }

    /** A list of tiers at {@code pointer}: empty when any of them is wrong (each mistake reported). */
    Optional<List<EscalationTier>> tiers(JsonNode node, String pointer, String what) {
        Position at = position.apply(pointer);
        if (node == null || !node.isArray()) {
            sink.error(at, what + " must be a list of tiers, each channels and, after the first, after: (e.g. - { after: 15m, sns: ... })");
            return Optional.empty();
        }
        if (node.isEmpty()) {
            sink.error(at, what + " lists no tiers; give at least one, e.g. - { sns: arn:aws:sns:us-east-1:123456789012:oncall }");
            return Optional.empty();
        }
        List<EscalationTier> tiers = new ArrayList<>();
        boolean ok = true;
        for (int i = 0; i < node.size(); i++) {
            Optional<EscalationTier> tier = tier(node.get(i), pointer + "/" + i, what + " tier " + (i + 1), i);
            tier.ifPresent(tiers::add);
            ok &= tier.isPresent();
        }
        return ok ? Optional.of(tiers) : Optional.empty();
    }

    private Optional<EscalationTier> tier(JsonNode node, String pointer, String label, int index) {
        Position at = position.apply(pointer);
        if (!node.isObject()) {
            sink.error(at, label + " must be a mapping of channels, e.g. { after: 15m, sns: arn:aws:sns:us-east-1:123456789012:oncall }, not "
                    + shown(node));
            return Optional.empty();
        }
        node.fieldNames().forEachRemaining(key -> {
            if (!TIER_KEYS.contains(key)) {
                sink.error(position.apply(pointer + "/" + key + "#key"), "'" + key + "' is not a channel of " + label
                        + Suggestions.didYouMean(key, TIER_KEYS) + "; a tier takes after: and the channels " + String.join(", ", EscalationTier.CHANNELS));
            }
        });
        boolean ok = true;
        Optional<Duration> after = after(node.get("after"), pointer + "/after", label, index);
        ok &= after.isPresent();
        Optional<String> sns = text(node, pointer, "sns", label, this::snsProblem);
        Optional<String> webhook = text(node, pointer, "webhook", label, EscalationReader::urlProblem);
        Optional<String> pagerduty = text(node, pointer, "pagerduty", label, this::routingKeyProblem);
        Optional<List<String>> email = email(node.get("email"), pointer + "/email", label);
        ok &= email.isPresent() && (sns.isPresent() || absent(node, "sns")) && (webhook.isPresent() || absent(node, "webhook"))
                && (pagerduty.isPresent() || absent(node, "pagerduty"));
        if (ok && sns.isEmpty() && webhook.isEmpty() && pagerduty.isEmpty() && email.get().isEmpty()) {
            sink.error(at, label + " needs a channel: " + CHANNELS_NEEDED);
            return Optional.empty();
        }
        return ok ? Optional.of(new EscalationTier(after.get(), sns, webhook, pagerduty, email.get(), at)) : Optional.empty();
    }

    /** Tier 1 may wait (it is told at once unless after says otherwise); every later tier must wait after the one before it. */
    private Optional<Duration> after(JsonNode node, String pointer, String label, int index) {
        if (node == null || node.isNull()) {
            if (index == 0) {
                return Optional.of(Duration.ZERO);
            }
            sink.error(position.apply(pointer.substring(0, pointer.lastIndexOf('/'))), label + " needs after: how long after tier " + index
                    + " was told, with nobody acting, to tell this tier (e.g. after: 15m)");
            return Optional.empty();
        }
        String text = node.isValueNode() ? node.asText().strip() : node.toString();
        if (text.startsWith("-")) {
            sink.error(position.apply(pointer), of("after", label) + " is negative (" + text + "): it says how long after "
                    + (index == 0 ? "the run needs people" : "tier " + index + " was told") + " to tell this tier, e.g. 15m");
            return Optional.empty();
        }
        Optional<Duration> duration = node.isValueNode() && !node.isBoolean() ? Durations.parse(text) : Optional.empty();
        if (duration.isEmpty()) {
            sink.error(position.apply(pointer), of("after", label) + " must be a duration such as 30s, 15m or 1h30m, not " + shown(node));
            return Optional.empty();
        }
        if (index > 0 && duration.get().isZero()) {
            sink.error(position.apply(pointer), of("after", label) + " is 0: this tier would be told with tier " + index
                    + "; put its channels in that tier, or wait, e.g. after: 15m");
            return Optional.empty();
        }
        return duration;
    }

    private Optional<String> text(JsonNode node, String pointer, String key, String label, Function<String, Optional<String>> problem) {
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        String text = value.isValueNode() ? value.asText() : value.toString();
        Optional<String> wrong = value.isTextual() ? problem.apply(text) : Optional.of("must be text, not " + shown(value));
        if (wrong.isPresent()) {
            sink.error(position.apply(pointer + "/" + key), of(key, label) + " " + wrong.get());
            return Optional.empty();
        }
        return Optional.of(text);
    }

    private static boolean absent(JsonNode node, String key) {
        return node.get(key) == null || node.get(key).isNull();
    }

    private Optional<String> snsProblem(String text) {
        return SNS_TOPIC_ARN.matcher(text).matches() ? Optional.empty()
                : Optional.of("must be the ARN of an SNS topic, e.g. arn:aws:sns:us-east-1:123456789012:oncall, not '" + text + "'");
    }

    private Optional<String> routingKeyProblem(String text) {
        if (Template.isTemplate(text)) {
            return templateProblem(text).map(p -> "is not a valid template: " + p);
        }
        return ROUTING_KEY.matcher(text).matches() ? Optional.empty()
                : Optional.of("must be a PagerDuty Events API v2 routing key (32 letters and digits, the service's integration key),"
                        + " usually a secret reference such as \"{{ secret:ssm:/pagerduty/oncall }}\"");
    }

    /** A webhook may hold templates (a secret token: {{ secret:ssm:/hooks/oncall }}) after its scheme and host. */
    static Optional<String> urlProblem(String text) {
        String scheme = text.contains(":") ? text.substring(0, text.indexOf(':')).toLowerCase(Locale.ROOT) : "";
        String prefix = "must be an http:// or https:// URL, not '" + text + "': ";
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return Optional.of(prefix + (scheme.isEmpty() ? "it has no scheme" : "its scheme is " + scheme));
        }
        String fixed = text;
        if (Template.isTemplate(text)) {
            Optional<String> problem = templateProblem(text);
            if (problem.isPresent()) {
                return Optional.of(prefix + problem.get());
            }
            fixed = text.replaceAll("\\{\\{.*?}}", "x");
        }
        try {
            URI uri = new URI(fixed);
            if (uri.getHost() == null || uri.getHost().isEmpty()) {
                return Optional.of(prefix + "it names no host");
            }
        } catch (URISyntaxException e) {
            return Optional.of(prefix + e.getReason() + " at index " + e.getIndex());
        }
        return Optional.empty();
    }

    private static Optional<String> templateProblem(String text) {
        try {
            Template.parse(text);
            return Optional.empty();
        } catch (ExpressionException e) {
            return Optional.of(e.getMessage());
        }
    }

    /** One address or a list of them; empty when any is wrong. */
    private Optional<List<String>> email(JsonNode node, String pointer, String label) {
        if (node == null || node.isNull()) {
            return Optional.of(List.of());
        }
        List<String> addresses = new ArrayList<>();
        boolean ok = true;
        if (node.isArray() && node.isEmpty()) {
            sink.error(position.apply(pointer), of("email", label) + " lists no addresses; give one or more, e.g. email: [oncall@example.com]");
            return Optional.empty();
        }
        for (int i = 0; i < (node.isArray() ? node.size() : 1); i++) {
            JsonNode item = node.isArray() ? node.get(i) : node;
            String at = node.isArray() ? pointer + "/" + i : pointer;
            String text = item.isValueNode() ? item.asText().strip() : item.toString();
            if (!item.isTextual() || !EMAIL.matcher(text).matches()) {
                sink.error(position.apply(at), of("email", label) + " must be an address such as oncall@example.com"
                        + (node.isArray() ? "" : " or a list of them") + ", not " + shown(item));
                ok = false;
            } else {
                addresses.add(text);
            }
        }
        return ok ? Optional.of(addresses) : Optional.empty();
    }

    /** "sns" in the one tier of a mapping (as before tiers), "sns of escalation tier 2" in a list. */
    private static String of(String key, String label) {
        return label.equals("escalation") ? key : key + " of " + label;
    }

    private static String shown(JsonNode value) {
        return value == null ? "nothing" : value.isTextual() ? "'" + value.textValue() + "'"
                : value.isArray() ? "a list" : value.isObject() ? "a mapping" : value.toString();
    }
}
