package dev.nabla.data;

import dev.nabla.io.Json;
import dev.nabla.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ScalerConfigTest {

    @Test
    void aScalerRebuildsFromItsConfig() {
        Scaler s = Scaler.minMax().fit(Tensor.of(new float[] {0, 10, 2, 30}, 2, 2));
        Scaler back = Scaler.fromConfig(Json.parseObject(Json.write(s.config())));
        assertThat(back.config()).isEqualTo(s.config());
    }

    @Test
    void malformedScalerFieldsAreRefusedNamingTheField() {
        String[][] cases = {
            {"{\"kind\":\"sideways\",\"offset\":[0],\"scale\":[1]}", "preprocessing.scaler.kind: expected \"standard\" or \"min_max\", got \"sideways\""},
            {"{\"offset\":[0],\"scale\":[1]}", "preprocessing.scaler.kind: missing (expected a string)"},
            {"{\"kind\":\"standard\",\"offset\":\"x\",\"scale\":[1]}", "preprocessing.scaler.offset: expected an array, got \"x\""},
            {"{\"kind\":\"standard\",\"offset\":[0],\"scale\":[\"a\"]}", "preprocessing.scaler.scale[0]: expected a finite number, got \"a\""},
            {"{\"kind\":\"standard\",\"offset\":[0],\"scale\":[1,2]}", "preprocessing.scaler.scale: has 2 values but offset has 1"},
            {"{\"kind\":\"standard\",\"offset\":[0],\"scale\":[0]}", "preprocessing.scaler.scale[0]: expected a non-zero number (it divides), got 0"},
        };
        for (String[] c : cases) {
            Map<String, Object> config = Json.parseObject(c[0]);
            assertThatThrownBy(() -> Scaler.fromConfig(config)).as(c[0]).isExactlyInstanceOf(IllegalArgumentException.class).hasMessage(c[1]);
        }
    }
}
