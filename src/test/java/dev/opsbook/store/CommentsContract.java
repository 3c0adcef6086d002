package dev.opsbook.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Comments kept beside runs: what a reviewer reads back after adding, editing and deleting them. */
abstract class CommentsContract extends StoreContract {

    @Test
    void comments_on_a_run_and_its_steps_are_read_back_oldest_first_and_only_for_that_run() {
        Comment onRun = store.comments().add("run-1", Optional.empty(), "paged the **DBA**", "otto", T0);
        Comment onStep = store.comments().add("run-1", Optional.of("scale[2]"), "this item was slow", "ana", T0.plusSeconds(5));
        store.comments().add("run-2", Optional.empty(), "other run", "otto", T0);

        assertThat(store.comments().comments("run-1")).containsExactly(onRun, onStep);
        assertThat(onRun.id()).isNotEqualTo(onStep.id());
        assertThat(onStep).isEqualTo(new Comment(onStep.id(), "run-1", Optional.of("scale[2]"), "this item was slow", "ana",
                T0.plusSeconds(5), Optional.empty()));
        assertThat(store.comments().comments("run-3")).isEmpty();
    }

    @Test
    void an_edit_replaces_the_text_and_notes_when_and_a_delete_forgets_it() {
        Comment comment = store.comments().add("run-1", Optional.empty(), "first try", "otto", T0);

        Optional<Comment> edited = store.comments().edit("run-1", comment.id(), "second try", T0.plusSeconds(60));

        assertThat(edited).contains(new Comment(comment.id(), "run-1", Optional.empty(), "second try", "otto", T0,
                Optional.of(T0.plusSeconds(60))));
        assertThat(store.comments().comments("run-1")).containsExactly(edited.orElseThrow());
        assertThat(store.comments().edit("run-2", comment.id(), "wrong run", T0)).as("another run's comment").isEmpty();
        assertThat(store.comments().edit("run-1", "nope", "no such id", T0)).isEmpty();
        assertThat(store.comments().delete("run-2", comment.id())).isFalse();
        assertThat(store.comments().delete("run-1", comment.id())).isTrue();
        assertThat(store.comments().delete("run-1", comment.id())).as("already gone").isFalse();
        assertThat(store.comments().comments("run-1")).isEmpty();
    }

    @Test
    void a_blank_or_too_long_text_is_refused_saying_the_limit() {
        assertThatThrownBy(() -> store.comments().add("run-1", Optional.empty(), " ", "otto", T0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs some text");
        assertThatThrownBy(() -> store.comments().add("run-1", Optional.empty(), "x".repeat(Comment.MAX_LENGTH + 1), "otto", T0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most 4000 characters");
        assertThat(store.comments().add("run-1", Optional.empty(), "é".repeat(Comment.MAX_LENGTH), "otto", T0).text())
                .hasSize(Comment.MAX_LENGTH);
        assertThat(store.comments().comments("run-1")).hasSize(1);
    }
}
