package dev.opsbook.incident;

import dev.opsbook.engine.Role;
import dev.opsbook.engine.RunEvent;
import dev.opsbook.engine.RunStatus;
import dev.opsbook.engine.StepStatus;
import dev.opsbook.runbook.Durations;
import dev.opsbook.runbook.StepKindSpec;
import dev.opsbook.store.Escalations;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * What an incident's runs add up to, for the page, the JSON and the post-incident draft alike: when it began (the first
 * event that fired, else the first run), the first step, when it was resolved (every run ended), and the open questions a
 * postmortem should answer. Pure.
 *
 * @param began when the first event fired, or the first run started when no event did
 * @param firstStep when the first step of any run started
 * @param resolved when the last run ended, once every run has; empty while any still runs, waits or needs attention
 * @param open the runs that have not ended, as {@code RUN (runbook, status)}
 * @param questions what the draft asks the people who were there
 */
public record IncidentFacts(Instant began, Optional<Instant> firstStep, Optional<Instant> resolved, List<String> open,
                            List<String> questions) {

    public IncidentFacts {
        open = List.copyOf(open);
        questions = List.copyOf(questions);
    }

    public Optional<Duration> toFirstStep() {
        return firstStep.map(at -> nonNegative(Duration.between(began, at)));
    }

    public Optional<Duration> toResolution() {
        return resolved.map(at -> nonNegative(Duration.between(began, at)));
    }

    public static IncidentFacts of(List<RunTrail> trails) {
        Instant firstRun = trails.stream().map(t -> t.run().startedAt()).min(Comparator.naturalOrder()).orElse(Instant.EPOCH);
        Instant began = Timeline.fired(trails).stream().map(Timeline.Entry::at).filter(at -> at.isBefore(firstRun))
                .min(Comparator.naturalOrder()).orElse(firstRun);
        Optional<Instant> firstStep = trails.stream().flatMap(t -> t.history().stream()).filter(RunEvent.StepStarted.class::isInstance)
                .map(RunEvent::at).min(Comparator.naturalOrder());
        List<String> open = new ArrayList<>();
        for (RunTrail t : trails) {
            RunStatus status = t.run().status();
            if (status == RunStatus.RUNNING || status == RunStatus.WAITING || status == RunStatus.NEEDS_ATTENTION) {
                open.add(t.run().id() + " (" + t.run().runbookId() + ", " + status.label()
                        + (t.run().waitingFor().isBlank() ? "" : " at " + t.run().waitingFor()) + ")");
            }
        }
        Optional<Instant> resolved = open.isEmpty() && !trails.isEmpty()
                ? trails.stream().map(t -> t.run().endedAt().orElse(t.run().startedAt())).max(Comparator.naturalOrder()) : Optional.empty();
        return new IncidentFacts(began, firstStep, resolved, open, questions(trails, open));
    }

    private static List<String> questions(List<RunTrail> trails, List<String> open) {
        List<String> questions = new ArrayList<>();
        for (RunTrail t : trails) {
            String run = t.run().id();
            for (RunEvent event : t.history()) {
                if (event instanceof RunEvent.StepFinished f && f.status() == StepStatus.FAILED && !handled(t, f.key())) {
                    questions.add("Step " + f.key() + " of " + run + " (" + t.run().runbookId() + ") failed and no on-failure handler ran: "
                            + "should the runbook handle this failure?");
                }
            }
        }
        open.forEach(o -> questions.add("Run " + o + " has not ended: who finishes it, and why did it stop there?"));
        for (RunTrail t : trails) {
            for (Escalations.Notice n : t.told()) {
                boolean acked = t.acknowledged().stream().anyMatch(a -> a.occasion().equals(n.occasion()));
                if (!acked) {
                    questions.add("Escalation tier " + (n.tier() + 1) + " of " + t.run().id() + " was told "
                            + (n.delivered().isEmpty() ? "(no channel took it)" : "through " + String.join(", ", n.delivered()))
                            + " and nobody acknowledged it: did it reach anyone?");
                }
            }
        }
        personSteps(trails).stream().limit(3).forEach(p -> questions.add("Manual step " + p.key() + " of " + p.run() + " took "
                + Durations.format(p.took()) + " from asked to answered" + (p.by().isBlank() ? "" : " (" + p.by() + ")")
                + ": could it be a step opsbook runs?"));
        return questions;
    }

    /** A step that asked a person, and how long until they answered (or until now, unanswered, as its run stands). */
    record PersonStep(String run, String key, Duration took, String by) {
    }

    /** People's steps that were answered, longest first. */
    static List<PersonStep> personSteps(List<RunTrail> trails) {
        List<PersonStep> steps = new ArrayList<>();
        for (RunTrail t : trails) {
            for (RunEvent event : t.history()) {
                if (event instanceof RunEvent.StepStarted s && Timeline.step(t, s.stepId()).map(x -> x.has(StepKindSpec.Trait.ASKS_A_PERSON)).orElse(false)) {
                    t.history().stream().filter(RunEvent.StepAnswered.class::isInstance).map(RunEvent.StepAnswered.class::cast)
                            .filter(a -> a.key().equals(s.key()) && a.answer() != null && !a.at().isBefore(s.at())).findFirst()
                            .ifPresent(a -> steps.add(new PersonStep(t.run().id(), s.key(), Duration.between(s.at(), a.at()), a.answer().by())));
                }
            }
        }
        steps.sort(Comparator.comparing(PersonStep::took).reversed());
        return steps;
    }

    private static boolean handled(RunTrail t, String key) {
        String stepId = key.contains("[") ? key.substring(0, key.indexOf('[')) : key;
        return t.history().stream().anyMatch(e -> e instanceof RunEvent.StepStarted s && s.role() == Role.ON_FAILURE
                && s.forStep().map(f -> f.equals(key) || f.equals(stepId)).orElse(false));
    }

    private static Duration nonNegative(Duration d) {
        return d.isNegative() ? Duration.ZERO : d;
    }
}
