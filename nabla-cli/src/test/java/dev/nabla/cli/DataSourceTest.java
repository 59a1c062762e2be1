package dev.nabla.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DataSourceTest {

    @Test
    void anEmptyTargetCellStopsTrainingDataInsteadOfMakingTheTargetClasses(@TempDir Path dir) throws Exception {
        StringBuilder csv = new StringBuilder("x,y\n");
        for (int i = 0; i < 55; i++) csv.append(i).append(',').append(i % 22 * 0.5).append('\n');
        csv.append("55,\n");
        Path file = dir.resolve("prices.csv");
        Files.writeString(file, csv);
        assertThatThrownBy(() -> DataSource.load(file.toString(), "y", false, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("prices.csv line 57: target column 'y' is empty");
    }

    @Test
    void aNaNFeatureStopsTrainingDataNamingFileLineAndColumn(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("nan.csv");
        Files.writeString(file, "a,b,y\n1,2,0\n3,NaN,1\n4,5,0\n6,7,1\n8,9,0\n");
        assertThatThrownBy(() -> DataSource.load(file.toString(), null, false, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("nan.csv line 3: column 'b' must be a finite number, got 'NaN'");
    }
}
