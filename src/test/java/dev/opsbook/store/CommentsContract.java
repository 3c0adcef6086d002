package dev.opsbook.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.opsbook.audit.AuditFact;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Comments kept beside runs: what a reviewer reads back after adding, editing and deleting them. */
abstract class CommentsContract extends StoreContract {

    /** The audit entry of a change: its comment's id and length. */
    static final Function<Comment, AuditFact> NOTED = c -> new AuditFact(T0, "comment-changed",
            JsonNodeFactory.instance.objectNode().put("comment", c.id()).put("chars", c.text().length()));

    @Test
    void each_change_is_kept_with_its_entry_on_the_runs_audit_trail() {
        Comment comment = store.comments().add("run-1", Optional.empty(), "first try", "otto", T0, NOTED);
        store.comments().edit("run-1", comment.id(), "second, longer try", T0.plusSeconds(60), NOTED);
        store.comments().delete("run-1", comment.id(), NOTED);
        store.comments().delete("run-1", comment.id(), NOTED); // gone already: no change, no entry

        List<String> lines = store.auditChains().read("run-1").lines();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).contains("\"comment\":\"" + comment.id() + "\"", "\"chars\":9");
        assertThat(lines.get(1)).contains("\"chars\":18");
        assertThat(lines.get(2)).as("the comment as it was when deleted").contains("\"chars\":18");
        assertThat(store.auditChains().seal("run-1").orElseThrow().entries()).isEqualTo(3);
    }

    @Test
    void a_change_whose_audit_entry_cannot_be_made_is_not_kept() {
        Comment kept = store.comments().add("run-1", Optional.empty(), "kept", "otto", T0, NOTED);
        Function<Comment, AuditFact> failing = c -> {
            throw new IllegalStateException("no entry");
        };

        assertThatThrownBy(() -> store.comments().add("run-1", Optional.empty(), "lost", "otto", T0, failing)).hasMessageContaining("no entry");
        assertThatThrownBy(() -> store.comments().edit("run-1", kept.id(), "changed", T0, failing)).hasMessageContaining("no entry");
        assertThatThrownBy(() -> store.comments().delete("run-1", kept.id(), failing)).hasMessageContaining("no entry");

        assertThat(store.comments().comments("run-1")).containsExactly(kept);
        assertThat(store.auditChains().read("run-1").lines()).hasSize(1);
    }

    @Test
    void comments_on_a_run_and_its_steps_are_read_back_oldest_first_and_only_for_that_run() {
        Comment onRun = store.comments().add("run-1", Optional.empty(), "paged the **DBA**", "otto", T0, NOTED);
        Comment onStep = store.comments().add("run-1", Optional.of("scale[2]"), "this item was slow", "ana", T0.plusSeconds(5), NOTED);
        store.comments().add("run-2", Optional.empty(), "other run", "otto", T0, NOTED);

        assertThat(store.comments().comments("run-1")).containsExactly(onRun, onStep);
        assertThat(onRun.id()).isNotEqualTo(onStep.id());
        assertThat(onStep).isEqualTo(new Comment(onStep.id(), "run-1", Optional.of("scale[2]"), "this item was slow", "ana",
                T0.plusSeconds(5), Optional.empty()));
        assertThat(store.comments().comments("run-3")).isEmpty();
    }

    @Test
    void an_edit_replaces_the_text_and_notes_when_and_a_delete_forgets_it() {
        Comment comment = store.comments().add("run-1", Optional.empty(), "first try", "otto", T0, NOTED);

        Optional<Comment> edited = store.comments().edit("run-1", comment.id(), "second try", T0.plusSeconds(60), NOTED);

        assertThat(edited).contains(new Comment(comment.id(), "run-1", Optional.empty(), "second try", "otto", T0,
                Optional.of(T0.plusSeconds(60))));
        assertThat(store.comments().comments("run-1")).containsExactly(edited.orElseThrow());
        assertThat(store.comments().edit("run-2", comment.id(), "wrong run", T0, NOTED)).as("another run's comment").isEmpty();
        assertThat(store.comments().edit("run-1", "nope", "no such id", T0, NOTED)).isEmpty();
        assertThat(store.comments().delete("run-2", comment.id(), NOTED)).isFalse();
        assertThat(store.comments().delete("run-1", comment.id(), NOTED)).isTrue();
        assertThat(store.comments().delete("run-1", comment.id(), NOTED)).as("already gone").isFalse();
        assertThat(store.comments().comments("run-1")).isEmpty();
    }

    @Test
    void a_blank_or_too_long_text_is_refused_saying_the_limit() {
        assertThatThrownBy(() -> store.comments().add("run-1", Optional.empty(), " ", "otto", T0, NOTED))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs some text");
        assertThatThrownBy(() -> store.comments().add("run-1", Optional.empty(), "x".repeat(Comment.MAX_LENGTH + 1), "otto", T0, NOTED))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most 4000 characters");
        assertThat(store.comments().add("run-1", Optional.empty(), "é".repeat(Comment.MAX_LENGTH), "otto", T0, NOTED).text())
                .hasSize(Comment.MAX_LENGTH);
        assertThat(store.comments().comments("run-1")).hasSize(1);
    }
}
