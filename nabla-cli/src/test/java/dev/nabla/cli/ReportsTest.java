package dev.nabla.cli;

import dev.nabla.io.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ReportsTest {

    /** Python's json reads bare NaN, but jq and JavaScript do not: a class with no sample has no AUC, written as null. */
    @Test
    void theJsonForScriptsHasNullWhereANumberIsUndefined(@TempDir Path dir) throws Exception {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("roc_auc", Double.NaN);
        inner.put("f1", 0.5);
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("report", inner);
        content.put("loss", Double.POSITIVE_INFINITY);
        Path file = dir.resolve("m.json");
        Reports.writeJson(file, content);
        String text = Files.readString(file);
        assertThat(text).doesNotContain("NaN", "Infinity");
        Map<String, Object> back = Json.parseObject(text);
        assertThat(back).containsEntry("loss", null);
        @SuppressWarnings("unchecked") Map<String, Object> report = (Map<String, Object>) back.get("report");
        assertThat(report).containsEntry("roc_auc", null).containsEntry("f1", 0.5);
    }
}
