package dev.nabla.cli.board;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RunsFolderTest {

    @Test
    void listsEveryRunWithItsEpochsAndLastValues(@TempDir Path runs) throws Exception {
        Runs.withHistory(runs, "a", 3);
        Runs.withModel(runs, "b", 5);
        Files.createDirectories(runs.resolve("not-a-run")); // no history, model or checkpoint
        List<Map<String, Object>> list = new RunsFolder(runs).list();
        assertThat(list).extracting(m -> m.get("name")).containsExactly("a", "b");
        assertThat(list.get(0)).containsEntry("epochs", 3).containsEntry("model", false);
        assertThat(list.get(1)).containsEntry("epochs", 5).containsEntry("model", true);
        @SuppressWarnings("unchecked") Map<String, Double> last = (Map<String, Double>) list.get(1).get("last");
        assertThat(last).containsEntry("loss", 0.2).doesNotContainKey("grad_norm/dense");
    }

    @Test
    void aHundredRunsListFromTheirHistoriesAloneNeverOpeningAModel(@TempDir Path runs) throws Exception {
        // Each model.nabla is garbage: listing reads history.csv only, so no run shows an error and all 100 list.
        for (int i = 0; i < 100; i++) {
            Path dir = Runs.withHistory(runs, String.format("run-%03d", i), 20);
            Files.writeString(dir.resolve("model.nabla"), "not a zip");
        }
        List<Map<String, Object>> list = new RunsFolder(runs).list();
        assertThat(list).hasSize(100).allSatisfy(m -> assertThat(m).doesNotContainKey("error").containsEntry("epochs", 20));
        // The model is read when asked for, and its error is that run's.
        RunsFolder folder = new RunsFolder(runs);
        assertThat(folder.model(folder.run("run-007").orElseThrow(), "run-007").get("error").toString()).startsWith("run-007/model.nabla: ");
    }

    @Test
    void aHalfWrittenHistoryIsThatRunsErrorAndTheOthersList(@TempDir Path runs) throws Exception {
        Runs.withHistory(runs, "good", 2);
        Path bad = Files.createDirectories(runs.resolve("bad"));
        Files.writeString(bad.resolve("history.csv"), "epoch,loss,accuracy\n1,0.5,0.7\n2,0.4"); // cut mid-row
        Path ragged = Files.createDirectories(runs.resolve("ragged"));
        Files.writeString(ragged.resolve("history.csv"), "epoch,loss,accuracy\n1,0.5,0.7\n2,0.4\n");
        List<Map<String, Object>> list = new RunsFolder(runs).list();
        assertThat(list).extracting(m -> m.get("name")).containsExactly("bad", "good", "ragged");
        assertThat(list.get(0).get("error")).isEqualTo("bad/history.csv: the last line has no newline (half-written?)");
        assertThat(list.get(1)).doesNotContainKey("error").containsEntry("epochs", 2);
        assertThat(list.get(2).get("error")).isEqualTo("ragged/history.csv line 3: expected 3 values, got 2");
    }

    @Test
    void aCorruptModelIsThatRunsErrorNamingTheFile(@TempDir Path runs) throws Exception {
        Path dir = Runs.withModel(runs, "m", 2);
        byte[] bytes = Files.readAllBytes(dir.resolve("model.nabla"));
        Files.write(dir.resolve("model.nabla"), java.util.Arrays.copyOf(bytes, bytes.length / 2)); // truncated
        RunsFolder folder = new RunsFolder(runs);
        Map<String, Object> model = folder.model(folder.run("m").orElseThrow(), "m");
        assertThat(model).containsOnlyKeys("error");
        assertThat(model.get("error").toString()).startsWith("m/model.nabla: ");
        assertThat(folder.history(folder.run("m").orElseThrow(), "m")).containsKeys("epochs", "series");
    }

    @Test
    void aSavedModelServesItsSummaryAndOptimizer(@TempDir Path runs) throws Exception {
        Runs.withModel(runs, "m", 2);
        RunsFolder folder = new RunsFolder(runs);
        Map<String, Object> model = folder.model(folder.run("m").orElseThrow(), "m");
        assertThat(model).doesNotContainKey("error").containsEntry("file", "model.nabla").containsEntry("parameters", 17L);
        assertThat(model.get("summary").toString()).contains("Total params: 17");
        assertThat(model.get("optimizer").toString()).contains("type=Adam");
    }

    @Test
    @SuppressWarnings("unchecked")
    void aGraphModelServesEachNodeWithTheTensorsItTakesSoTheEdgesCanBeDrawn(@TempDir Path runs) throws Exception {
        Runs.withGraphModel(runs, "g");
        RunsFolder folder = new RunsFolder(runs);
        Map<String, Object> graph = (Map<String, Object>) folder.model(folder.run("g").orElseThrow(), "g").get("graph");
        Map<String, List<String>> inbound = new java.util.LinkedHashMap<>();
        Map<String, Object> types = new java.util.LinkedHashMap<>();
        for (Map<String, Object> n : (List<Map<String, Object>>) graph.get("nodes")) {
            inbound.put((String) n.get("name"), (List<String>) n.get("inputs"));
            types.put((String) n.get("name"), n.get("type") + " " + n.get("output_shape"));
        }
        assertThat(inbound).containsExactlyInAnyOrderEntriesOf(Map.of("a", List.of(), "b", List.of(), "h", List.of("a"),
                "skip", List.of("h"), "r", List.of("h", "skip"), "side", List.of("b"), "c", List.of("r", "side"), "aux", List.of("h"), "main", List.of("c")));
        assertThat(inbound.keySet()).startsWith("a", "b"); // the inputs, then each node after the tensors it takes
        assertThat(types).containsEntry("a", "Input [null, 3]").containsEntry("r", "Add [null, 4]").containsEntry("c", "Concatenate [null, 8]");
        assertThat(graph.get("outputs").toString()).isEqualTo("[{name=aux, tensor=aux}, {name=main, tensor=main}]");
        // A chain has no graph: its layers follow each other.
        Runs.withModel(runs, "chain", 2);
        assertThat(folder.model(folder.run("chain").orElseThrow(), "chain")).doesNotContainKey("graph");
    }

    @Test
    void namesThatLeaveTheFolderAreNoRuns(@TempDir Path tmp) throws Exception {
        Path runs = Files.createDirectories(tmp.resolve("runs"));
        Runs.withHistory(tmp, "outside", 2); // tmp/outside, beside the runs folder
        Runs.withHistory(runs, "inside", 2);
        RunsFolder folder = new RunsFolder(runs);
        for (String name : new String[] {"..", ".", "../outside", "inside/..", "/etc", tmp.resolve("outside").toString(), "", "a\\b", "..%2Foutside"}) {
            assertThat(folder.run(name)).as(name).isEmpty();
        }
        assertThat(folder.run("inside")).isPresent();
    }

    @Test
    void symbolicLinksOutOfTheFolderAreNotFollowed(@TempDir Path tmp) throws Exception {
        Path runs = Files.createDirectories(tmp.resolve("runs"));
        Path outside = Runs.withHistory(tmp, "outside", 2);
        Files.createSymbolicLink(runs.resolve("linked-out"), outside);
        Path own = Files.createDirectories(runs.resolve("own"));
        Files.createSymbolicLink(own.resolve("history.csv"), outside.resolve("history.csv")); // a file linking out
        Path real = Runs.withHistory(runs, "real", 3);
        Files.createSymbolicLink(runs.resolve("alias"), real); // a link inside the folder is fine
        RunsFolder folder = new RunsFolder(runs);
        assertThat(folder.run("linked-out")).isEmpty();
        assertThat(folder.run("own")).isEmpty(); // its only file links out, so it holds no run
        assertThat(folder.list()).extracting(m -> m.get("name")).containsExactly("alias", "real");
    }

    @Test
    void aMissingRunsFolderIsOneClearLine(@TempDir Path tmp) {
        assertThatThrownBy(() -> new RunsFolder(tmp.resolve("nope")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nope does not exist");
    }
}
