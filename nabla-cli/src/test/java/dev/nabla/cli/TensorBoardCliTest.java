package dev.nabla.cli;

import dev.nabla.io.ProtoWriter;
import dev.nabla.io.TfRecords;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code nabla train --tensorboard DIR} writes an event file with one event per epoch holding history.csv's values
 * (TensorBoard's own reader is run on such files by nabla-core's PythonTensorBoardTest).
 */
class TensorBoardCliTest {

    @Test
    void trainWithTensorboardWritesEachEpochsHistoryCsvValuesAndHistogramsToAnEventFile(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run"), tb = dir.resolve("tb");
        CliTest.Run train = CliTest.inProcess("train", "--epochs", "3", "--out", run.toString(), "--tensorboard", tb.toString());
        assertThat(train.exit()).as(train.err()).isZero();

        List<Path> files;
        try (Stream<Path> s = Files.list(tb)) {
            files = s.toList();
        }
        assertThat(files).singleElement().satisfies(f -> assertThat(f.getFileName().toString()).startsWith("events.out.tfevents."));
        List<byte[]> records = TfRecords.read(Files.readAllBytes(files.get(0)), files.get(0).toString());
        assertThat(records).hasSize(1 + 3);

        List<String> csv = Files.readAllLines(run.resolve("history.csv"));
        String[] header = csv.get(0).split(",");
        assertThat(header).contains("val_accuracy", "grad_norm/dense", "update_ratio/dense_2");
        for (int epoch = 1; epoch <= 3; epoch++) {
            String event = HexFormat.of().formatHex(records.get(epoch));
            String[] cells = csv.get(epoch).split(",");
            for (int c = 1; c < header.length; c++) {
                // The summary's Value {tag, simple_value}, as the float32 of the CSV's number.
                byte[] value = new ProtoWriter().message(1, new ProtoWriter().string(1, header[c]).float32(2, (float) Double.parseDouble(cells[c]))).toByteArray();
                assertThat(event).as(header[c] + " in epoch " + epoch).contains(HexFormat.of().formatHex(value));
            }
            String text = new String(records.get(epoch), StandardCharsets.ISO_8859_1);
            assertThat(text).contains("learning_rate", "weights/dense/kernel", "gradients/dense/kernel", "gradients/dense_2/bias");
        }
    }
}
