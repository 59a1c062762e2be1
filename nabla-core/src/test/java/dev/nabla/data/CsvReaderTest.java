package dev.nabla.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Cells that are not finite numbers, and empty targets, are errors naming the file, line (header = 1) and column. */
class CsvReaderTest {

    @Test
    void nonFiniteAndOverflowingFeaturesAreRefusedNamingFileLineAndColumn() {
        for (String v : List.of("NaN", "Infinity", "-Infinity", "+Infinity")) {
            assertThatThrownBy(() -> CsvReader.withHeader().read("a,b,y\n1,2,0\n3," + v + ",1\n", "f.csv"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("f.csv line 3: column 'b' must be a finite number, got '" + v + "'");
        }
        for (String v : List.of("1e999", "-1e39")) {
            assertThatThrownBy(() -> CsvReader.withHeader().read("a,b,y\n1,2,0\n3," + v + ",1\n", "f.csv"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("f.csv line 3: column 'b' must be a finite number, got '" + v + "' (too large for a float)");
        }
        assertThatThrownBy(() -> CsvReader.withHeader().read("a,b,y\n1,inf,0\n", "f.csv"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("f.csv line 2: column 'b' must be numeric, got 'inf'");
        assertThatThrownBy(() -> CsvReader.withHeader().noTarget().read("a,b\n1,2\n\n4,NaN\n", "predict.csv"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("predict.csv line 4: column 'b' must be a finite number, got 'NaN'");
    }

    @Test
    void nonFiniteNumericTargetsAreRefused() {
        assertThatThrownBy(() -> CsvReader.withHeader().read("a,y\n1,0.5\n2,NaN\n", "r.csv"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("r.csv line 3: column 'y' must be a finite number, got 'NaN'");
        assertThatThrownBy(() -> CsvReader.withHeader().read("a,y\n1,1e40\n2,3\n", "r.csv"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("r.csv line 2: column 'y' must be a finite number, got '1e40' (too large for a float)");
    }

    @Test
    void anEmptyTargetCellIsRefusedInsteadOfTurningNumbersIntoClasses() {
        StringBuilder csv = new StringBuilder("a,y\n");
        for (int i = 0; i < 22; i++) csv.append(i).append(',').append(i * 1.5).append('\n');
        csv.append("22,\n");
        assertThatThrownBy(() -> CsvReader.withHeader().target("y").read(csv.toString(), "prices.csv"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("prices.csv line 24: target column 'y' is empty");
        assertThatThrownBy(() -> CsvReader.withHeader().read("a,kind\n1,cat\n2,  \n3,dog\n", "pets.csv"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("pets.csv line 3: target column 'kind' is empty");
        assertThatThrownBy(() -> CsvReader.withoutHeader().target(0).read("1,2\n,3\n", "nohead.csv"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("nohead.csv line 2: target column 'column_0' is empty");
    }

    @Test
    void streamsRefuseTheSameCellsNamingTheColumn(@TempDir Path dir) throws Exception {
        Path nan = dir.resolve("nan.csv");
        Files.writeString(nan, "x,y\n1,2\nNaN,3\n");
        assertThatThrownBy(() -> CsvReader.withHeader().stream(nan, 4, null).batches(0).next())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("nan.csv line 3: column 'x' must be a finite number, got 'NaN'");
        Path big = dir.resolve("big.csv");
        Files.writeString(big, "x,y\n1,1e999\n");
        assertThatThrownBy(() -> CsvReader.withHeader().stream(big, 4, null).batches(0).next())
                .hasMessage("big.csv line 2: column 'y' must be a finite number, got '1e999' (too large for a float)");
        Path empty = dir.resolve("empty.csv");
        Files.writeString(empty, "x,label\n1,cat\n2,\n");
        assertThatThrownBy(() -> CsvReader.withHeader().stream(empty, 4, List.of("cat", "dog")).batches(0).next())
                .hasMessage("empty.csv line 3: target column 'label' is empty");
        Path emptyNumber = dir.resolve("empty-number.csv");
        Files.writeString(emptyNumber, "x,y\n1,2\n2, \n");
        assertThatThrownBy(() -> CsvReader.withHeader().stream(emptyNumber, 4, null).batches(0).next())
                .hasMessage("empty-number.csv line 3: target column 'y' is empty");
    }

    @Test
    void finiteNumbersStillRead() {
        CsvReader.CsvData d = CsvReader.withHeader().read("a,b,y\n-3.4e38,1e-45,0.5\n0,3.4e38,-2\n", "ok.csv");
        assertThat(d.dataset().x().data()).containsExactly(-3.4e38f, 1e-45f, 0f, 3.4e38f);
        assertThat(d.dataset().y().data()).containsExactly(0.5f, -2f);
    }
}
