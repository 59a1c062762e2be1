package dev.nabla.cli;

import dev.nabla.nn.Activation;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LayerSpecParserTest {

    @Test
    void parsesDenseConvPoolingAndRegularisationTokens() {
        List<LayerSpecParser.Spec> s = LayerSpecParser.parse("conv:32:3:relu, maxpool:2, conv:8:5:s2:same, flatten, dropout:0.25, batchnorm, 64:gelu, 10");
        assertThat(s).extracting(LayerSpecParser.Spec::kind).containsExactly(LayerSpecParser.Kind.CONV, LayerSpecParser.Kind.MAX_POOL,
                LayerSpecParser.Kind.CONV, LayerSpecParser.Kind.FLATTEN, LayerSpecParser.Kind.DROPOUT, LayerSpecParser.Kind.BATCH_NORM,
                LayerSpecParser.Kind.DENSE, LayerSpecParser.Kind.DENSE);
        assertThat(s.get(0)).isEqualTo(new LayerSpecParser.Spec(LayerSpecParser.Kind.CONV, 32, 3, 1, false, 0, Activation.RELU));
        assertThat(s.get(2).stride()).isEqualTo(2);
        assertThat(s.get(2).same()).isTrue();
        assertThat(s.get(4).rate()).isEqualTo(0.25);
        assertThat(s.get(6).activation()).isEqualTo(Activation.GELU);
        assertThat(s.get(7).activation()).isEqualTo(Activation.LINEAR);
    }

    @Test
    void errorsNameTheTokenAndWhatWasExpected() {
        assertThatThrownBy(() -> LayerSpecParser.parse("64:relu,32:relu,foo:relu"))
                .hasMessage("--layers: token 3 'foo:relu': expected units as an integer");
        assertThatThrownBy(() -> LayerSpecParser.parse("64:swish")).hasMessageContaining("token 1 '64:swish': unknown activation 'swish'");
        assertThatThrownBy(() -> LayerSpecParser.parse("dropout:1.5")).hasMessageContaining("dropout rate must be in [0, 1)");
        assertThatThrownBy(() -> LayerSpecParser.parse("conv:32")).hasMessageContaining("expected conv:FILTERS:KERNEL");
        assertThatThrownBy(() -> LayerSpecParser.parse("0:relu")).hasMessageContaining("units as a positive integer");
    }
}
