package dev.opsbook.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.opsbook.engine.RunEvent;
import dev.opsbook.engine.RunStatus;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Game days and the drill marker on runs: what lets any instance answer a drill from its scenario and lists tell drills apart. */
abstract class GameDaysContract extends StoreContract {

    @Test
    void a_game_day_is_kept_with_its_scenario_and_listed_newest_first_and_its_id_is_taken_once() {
        store.gameDays().create(new GameDay("gd-1", "first", "{\"name\":\"first\"}", "otto", T0, List.of("gd-1-1", "gd-1-2")));
        store.gameDays().create(new GameDay("gd-2", "second", "{}", "otto", T0.plusSeconds(60), List.of()));

        assertThat(store.gameDays().gameDay("gd-1")).contains(new GameDay("gd-1", "first", "{\"name\":\"first\"}", "otto", T0,
                List.of("gd-1-1", "gd-1-2")));
        assertThat(store.gameDays().gameDays(0)).extracting(GameDay::id).containsExactly("gd-2", "gd-1");
        assertThat(store.gameDays().gameDay("gd-3")).isEmpty();
        assertThatThrownBy(() -> store.gameDays().create(new GameDay("gd-1", "again", "{}", "otto", T0, List.of())))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void a_drill_is_marked_on_its_row_from_its_start_event_and_lists_filter_on_it() {
        store.create(new StoredRun("real", "deploy", "runbooks/deploy.md", "h", RunStatus.RUNNING, "event", "event e1",
                Optional.empty(), Optional.empty(), T0, Optional.empty(), "", ""), "# Deploy", started("real", "deploy", T0, "event"));
        RunEvent.RunStarted drill = new RunEvent.RunStarted(T0.plusSeconds(1), "drill", "deploy", "Deploy", "h",
                JsonNodeFactory.instance.objectNode(), JsonNodeFactory.instance.objectNode(), "event gd-1-1", "event", null, Optional.of("gd-1"));
        store.create(new StoredRun("drill", "deploy", "runbooks/deploy.md", "h", RunStatus.RUNNING, "event", "event gd-1-1",
                Optional.empty(), Optional.empty(), T0.plusSeconds(1), Optional.empty(), "", ""), "# Deploy", drill);

        assertThat(store.run("drill").orElseThrow().drill()).contains("gd-1");
        assertThat(store.run("real").orElseThrow().drill()).isEmpty();
        assertThat(ids(Optional.of(true), Optional.empty())).containsExactly("drill");
        assertThat(ids(Optional.of(false), Optional.empty())).containsExactly("real");
        assertThat(ids(Optional.empty(), Optional.of("gd-1"))).containsExactly("drill");
        assertThat(ids(Optional.empty(), Optional.of("gd-2"))).isEmpty();
        assertThat(((RunEvent.RunStarted) store.events("drill").get(0)).drill()).as("kept on the start event too").contains("gd-1");
    }

    private List<String> ids(Optional<Boolean> drill, Optional<String> gameDay) {
        return store.runs(new RunQuery(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), 0, 0,
                drill, gameDay)).stream().map(StoredRun::id).toList();
    }
}
