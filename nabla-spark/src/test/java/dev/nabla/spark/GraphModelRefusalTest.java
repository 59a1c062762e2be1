package dev.nabla.spark;

import dev.nabla.data.Datasets;
import dev.nabla.nn.Activation;
import dev.nabla.nn.Concatenate;
import dev.nabla.nn.Dense;
import dev.nabla.nn.Input;
import dev.nabla.nn.SymbolicTensor;
import dev.nabla.nn.losses.Losses;
import dev.nabla.optim.Optimizers;
import dev.nabla.train.FitOptions;
import dev.nabla.train.Functional;
import dev.nabla.train.Model;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Spark training runs models with one input and one output; any other is refused before any Spark work. */
class GraphModelRefusalTest {

    @Test
    void fitRefusesAModelWithSeveralInputsAndOutputsNamingThem() {
        SymbolicTensor a = Input.of("a", 2), b = Input.of("b", 2);
        SymbolicTensor h = new Concatenate().call(Dense.of(3, Activation.TANH).call(a), Dense.of(3, Activation.TANH).call(b));
        Functional m = Model.of(List.of(a, b), Map.of("main", Dense.of(3).call(h), "aux", Dense.of(1).call(h)));
        m.compile(Optimizers.sgd(0.1f), Map.of("main", Losses.sparseCategoricalCrossentropy(true), "aux", Losses.mse()), Map.of(), Map.of());
        SparkTrainer trainer = SparkTrainer.synchronous(LocalSpark.context()).partitions(2);

        assertThatThrownBy(() -> trainer.fit(m, Datasets.irisTrain(), FitOptions.epochs(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("SparkTrainer.fit: model " + m.name() + " has 2 inputs (a, b) and 2 outputs (aux, main)")
                .hasMessageContaining("supports one input and one output")
                .hasMessageContaining("Model.fit(Map, Map, options)");
        assertThat(trainer.lastStats()).isNull();
    }

    @Test
    void fitRefusesAOneInputModelWithTwoOutputsAndOneSharedLoss() {
        SymbolicTensor x = Input.of("x", 4);
        SymbolicTensor h = Dense.of(3, Activation.TANH).call(x);
        Functional m = Model.of(List.of(x), Map.of("main", Dense.of(3).call(h), "aux", Dense.of(3).call(h)));
        m.compile(Optimizers.sgd(0.1f), Losses.sparseCategoricalCrossentropy(true));
        SparkTrainer trainer = SparkTrainer.parameterAveraging(LocalSpark.context(), 2).partitions(2);

        assertThatThrownBy(() -> trainer.fit(m, Datasets.irisTrain(), FitOptions.epochs(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has 1 input (x) and 2 outputs (aux, main)");
    }

    @Test
    void fitRefusesALossWeightItWouldNotApply() {
        SymbolicTensor x = Input.of("x", 4);
        Functional m = Model.of(x, Dense.of(3).call(Dense.of(3, Activation.TANH).call(x)));
        m.compile(Optimizers.sgd(0.1), Losses.sparseCategoricalCrossentropy(true), Map.of(m.outputNames().get(0), 0.5), Map.of());
        SparkTrainer trainer = SparkTrainer.synchronous(LocalSpark.context()).partitions(2);

        assertThatThrownBy(() -> trainer.fit(m, Datasets.irisTrain(), FitOptions.epochs(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("compiled with loss weight 0.5");
    }
}
