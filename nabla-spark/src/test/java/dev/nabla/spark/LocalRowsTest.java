package dev.nabla.spark;

import dev.nabla.data.Dataset;
import dev.nabla.data.Datasets;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LocalRowsTest {

    @Test
    void partitionsCutContiguousRangesThatCoverEveryRowOnceInOrder() {
        Dataset iris = Datasets.iris();
        LocalRows rows = LocalRows.of(iris);
        for (int partitions : new int[] {1, 2, 7, 150, 151}) {
            List<Example> all = new ArrayList<>();
            for (int p = 0; p < partitions; p++) all.addAll(rows.slice(p, partitions));
            assertThat(all).as("%d partitions", partitions).hasSize(150);
            for (int i = 0; i < 150; i++) {
                assertThat(all.get(i).features()).containsExactly(iris.x().slice(0, i, i + 1).data());
                assertThat(all.get(i).target()).containsExactly(iris.y().get(i));
            }
        }
    }
}
