package dev.opsbook.runbook;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SuggestionsTest {

    private static final List<String> TYPES = Arrays.stream(ParameterType.values()).map(ParameterType::label).toList();

    @Test
    void a_typo_of_one_or_two_letters_finds_the_name_meant() {
        assertThat(Suggestions.closest("shel", List.of("shell", "http", "manual"))).contains("shell");
        assertThat(Suggestions.closest("retires", RunbookParser.ATTRIBUTES)).contains("retries");
        assertThat(Suggestions.closest("strng", TYPES)).contains("string");
    }

    @Test
    void case_does_not_hide_a_name() {
        assertThat(Suggestions.closest("Shell", List.of("shell", "http"))).contains("shell");
    }

    @Test
    void an_abbreviation_suggests_the_name_it_abbreviates_not_a_short_neighbour() {
        assertThat(Suggestions.closest("int", TYPES)).contains("integer");
        assertThat(Suggestions.closest("bool", TYPES)).contains("boolean");
        assertThat(Suggestions.closest("num", TYPES)).contains("number");
        assertThat(Suggestions.closest("time", RunbookParser.ATTRIBUTES)).contains("timeout");
    }

    @Test
    void a_name_one_letter_away_beats_a_longer_name_that_merely_starts_with_the_typed_one() {
        List<String> ec2 = List.of("DescribeInstanceAttribute", "DescribeInstanceStatus", "DescribeInstanceTypes", "DescribeInstances");

        assertThat(Suggestions.closest("DescribeInstance", ec2)).contains("DescribeInstances");
        assertThat(Suggestions.closest("DescribeInstanceStatu", ec2)).contains("DescribeInstanceStatus");
    }

    @Test
    void nothing_is_suggested_when_nothing_is_close() {
        assertThat(Suggestions.closest("bash", List.of("shell", "http", "manual", "approve", "assert"))).isEmpty();
        assertThat(Suggestions.didYouMean("zzz", List.of("shell"))).isEmpty();
    }

    @Test
    void did_you_mean_reads_as_a_clause_to_append_to_a_message() {
        assertThat(Suggestions.didYouMean("htp", List.of("http", "shell"))).isEqualTo("; did you mean 'http'?");
    }

    @Test
    void a_tie_goes_to_the_first_name_alphabetically_whatever_order_the_set_iterates_in() {
        for (int i = 0; i < 20; i++) {
            Set<String> names = i % 2 == 0 ? Set.of("abd", "abc", "abe") : Set.of("abe", "abc", "abd");
            assertThat(Suggestions.closest("abx", names)).contains("abc");
        }
    }
}
