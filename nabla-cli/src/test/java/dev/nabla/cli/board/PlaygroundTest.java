package dev.nabla.cli.board;

import dev.nabla.nn.Activation;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PlaygroundTest {

    private static PlaygroundSession.Config xor(long seed) {
        return new PlaygroundSession.Config("xor", 200, 0, seed, List.of(8, 8), Activation.TANH, "adam", 0.03, 16, null);
    }

    @Test
    void eachDatasetHasItsPointsHalfInEachClassAndOneSeedGivesTheSamePoints() {
        for (String name : PlaygroundData.DATASETS) {
            PlaygroundData.Points p = PlaygroundData.generate(name, 300, 0.05, 7);
            assertThat(p.xy()).as(name).hasSize(600);
            assertThat(p.labels()).as(name).hasSize(300);
            int ones = 0;
            for (float y : p.labels()) {
                assertThat(y).as(name).isIn(0f, 1f);
                if (y == 1) ones++;
            }
            assertThat(ones).as(name + ": points of class 1").isBetween(100, 200);
            for (float v : p.xy()) assertThat(Math.abs(v)).as(name).isLessThan(1.5f);
            assertThat(PlaygroundData.generate(name, 300, 0.05, 7).xy()).as(name).isEqualTo(p.xy());
            assertThat(Arrays.equals(PlaygroundData.generate(name, 300, 0.05, 8).xy(), p.xy())).as(name + " with another seed").isFalse();
        }
    }

    @Test
    void withoutNoiseEachSetHasItsShape() {
        PlaygroundData.Points xor = PlaygroundData.generate("xor", 400, 0, 1);
        PlaygroundData.Points circles = PlaygroundData.generate("circles", 400, 0, 1);
        for (int i = 0; i < 400; i++) {
            float x = xor.xy()[2 * i], y = xor.xy()[2 * i + 1];
            assertThat(xor.labels()[i]).isEqualTo(x * y > 0 ? 1f : 0f);
            assertThat(Math.min(Math.abs(x), Math.abs(y))).isGreaterThanOrEqualTo(0.1f); // apart from the axes
            double r = Math.hypot(circles.xy()[2 * i], circles.xy()[2 * i + 1]);
            if (circles.labels()[i] == 1) assertThat(r).isLessThanOrEqualTo(0.5 + 1e-6);
            else assertThat(r).isBetween(0.7 - 1e-6, 1.0 + 1e-6);
        }
        // The spiral's two arms are the same curve half a turn apart: point k of arm 1 is point k of arm 0 turned by pi.
        PlaygroundData.Points spiral = PlaygroundData.generate("spiral", 100, 0, 1);
        for (int k = 0; k < 50; k++) {
            assertThat(spiral.xy()[4 * k + 2]).isCloseTo(-spiral.xy()[4 * k], org.assertj.core.data.Offset.offset(1e-5f));
            assertThat(spiral.xy()[4 * k + 3]).isCloseTo(-spiral.xy()[4 * k + 1], org.assertj.core.data.Offset.offset(1e-5f));
        }
        // Moons: the upper moon (class 0) is a half circle of radius 0.9 around (-0.45, -0.225).
        PlaygroundData.Points moons = PlaygroundData.generate("moons", 100, 0, 1);
        for (int i = 0; i < 100; i += 2) {
            assertThat(Math.hypot(moons.xy()[2 * i] + 0.45, moons.xy()[2 * i + 1] + 0.225)).isCloseTo(0.9, org.assertj.core.data.Offset.offset(1e-5));
        }
    }

    @Test
    void aCsvOfXYLabelRowsIsReadWithOrWithoutAHeader() {
        PlaygroundData.Points p = PlaygroundData.csv("x,y,label\n1,2,0\n\n-3.5, 4 ,1\n", 10);
        assertThat(p.xy()).containsExactly(1f, 2f, -3.5f, 4f);
        assertThat(p.labels()).containsExactly(0f, 1f);
        assertThat(PlaygroundData.csv("1,2,0\r\n3,4,1\r\n", 10).size()).isEqualTo(2);
    }

    @Test
    void aBadCsvIsOneLineNamingTheLine() {
        assertThatThrownBy(() -> PlaygroundData.csv("x,y,label\n1,2,0\n3,4\n", 10)).hasMessage("csv line 3: expected 3 values (x,y,label), got 2 in '3,4'");
        assertThatThrownBy(() -> PlaygroundData.csv("1,2,0\n3,oops,1\n", 10)).hasMessage("csv line 2: y 'oops' is not a finite number");
        assertThatThrownBy(() -> PlaygroundData.csv("1,2,0\n3,4,2\n", 10)).hasMessage("csv line 2: label must be 0 or 1, got 2");
        assertThatThrownBy(() -> PlaygroundData.csv("1,2,0\n3,4,1\n5,6,1\n", 2)).hasMessage("csv: more than 2 points (line 3)");
        assertThatThrownBy(() -> PlaygroundData.csv("x,y,label\n", 10)).hasMessage("csv: expected at least 2 rows x,y,label, got 0");
    }

    @Test
    void aSessionTrainsXorToEveryPointRightWithinAThousandSteps() {
        PlaygroundSession s = new PlaygroundSession(xor(1));
        assertThat(s.accuracy()).isLessThan(1.0);
        while (s.step() < 1000 && s.accuracy() < 1.0) s.train(50);
        assertThat(s.accuracy()).as("accuracy after " + s.step() + " steps").isEqualTo(1.0);
        List<Double> losses = s.losses();
        assertThat(losses.get(losses.size() - 1)).isLessThan(losses.get(0) / 3);
        // The heat map agrees: class 1 (x*y > 0) top right, class 0 top left.
        float[] grid = s.grid();
        int n = PlaygroundSession.GRID;
        assertThat(grid[(n / 8) * n + n - 1 - n / 8]).isGreaterThan(0.5f);
        assertThat(grid[(n / 8) * n + n / 8]).isLessThan(0.5f);
    }

    @Test
    void theSameSeedTrainsTheSameLossesStepForStep() {
        PlaygroundSession a = new PlaygroundSession(xor(5)), b = new PlaygroundSession(xor(5)), c = new PlaygroundSession(xor(6));
        a.train(60);
        b.train(25);
        b.train(35);
        c.train(60);
        assertThat(a.losses()).hasSize(60).isEqualTo(b.losses());
        assertThat(a.state(true)).isEqualTo(b.state(true));
        assertThat(c.losses()).isNotEqualTo(a.losses());
    }

    @Test
    void eachStepRecordsTheLossAndEveryLayersGradientNorm() {
        PlaygroundSession s = new PlaygroundSession(xor(2));
        s.train(3);
        Map<String, Object> state = s.state(false);
        assertThat(state).containsEntry("step", 3).doesNotContainKey("points");
        assertThat(state.get("layers")).isEqualTo(List.of("hidden1", "hidden2", "output"));
        @SuppressWarnings("unchecked") Map<String, List<Double>> norms = (Map<String, List<Double>>) ((Map<String, Object>) state.get("history")).get("grad_norm");
        assertThat(norms.keySet()).containsExactly("hidden1", "hidden2", "output");
        norms.values().forEach(l -> assertThat(l).hasSize(3).allSatisfy(v -> assertThat(v).isPositive()));
        @SuppressWarnings("unchecked") Map<String, Object> grid = (Map<String, Object>) state.get("grid");
        assertThat((List<?>) grid.get("values")).hasSize(PlaygroundSession.GRID * PlaygroundSession.GRID);
        assertThat((List<?>) s.state(true).get("points")).hasSize(200);
    }

    @Test
    void aLongRunKeepsABoundedHistory() {
        PlaygroundSession s = new PlaygroundSession(new PlaygroundSession.Config("xor", 20, 0, 1, List.of(2), Activation.TANH, "sgd", 0.1, 20, null));
        for (int i = 0; i < 13; i++) s.train(200);
        assertThat(s.losses().size()).isLessThan(PlaygroundSession.MAX_HISTORY).isGreaterThan(PlaygroundSession.MAX_HISTORY / 4);
    }

    private static Map<String, Object> body(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }

    @Test
    void valuesOutOfBoundsAre400NamingTheFieldAndTheLimit() {
        Playground p = new Playground();
        Map<Map<String, Object>, String> refused = new LinkedHashMap<>();
        refused.put(body("layers", List.of(1L, 1L, 1L, 1L, 1L, 1L, 1L)), "layers: at most 6 hidden layers, got 7");
        refused.put(body("layers", List.of(8L, 65L)), "layers[1]: a hidden layer has 1 to 64 units, got 65");
        refused.put(body("points", 5000L), "points: between 10 and 2000 points, got 5000");
        refused.put(body("batch_size", 300L), "batch_size: at most the number of points (200), got 300");
        refused.put(body("learning_rate", 0L), "learning_rate: must be above 0 and at most 10, got 0.0");
        refused.put(body("noise", 2.5), "noise: must be between 0 and 1, got 2.5");
        refused.put(body("optimizer", "lbfgs"), "optimizer: expected one of [sgd, momentum, adam, rmsprop, adagrad], got 'lbfgs'");
        refused.put(body("activation", "softmax"), "activation: expected one of [relu, tanh, sigmoid, linear, leaky_relu, elu, gelu], got 'softmax'");
        refused.put(body("dataset", "mnist"), "dataset: expected one of [xor, circles, spiral, moons] or csv, got 'mnist'");
        refused.put(body("dataset", "csv", "csv", "x,y,label\n1,2,0\n1,2\n"), "csv line 3: expected 3 values (x,y,label), got 2 in '1,2'");
        refused.put(body("seed", 1.5), "seed: expected a whole number (a seed between 0 and 2147483647), got 1.5");
        refused.put(body("epochs", 3L), "unknown field 'epochs'; known: [activation, batch_size, csv, dataset, layers, learning_rate, noise, optimizer, points, seed]");
        refused.forEach((b, message) -> {
            Playground.Answer a = p.handle("POST", "", b);
            assertThat(a.status()).as(message).isEqualTo(400);
            assertThat(a.body()).as(message).containsEntry("error", message);
        });
        String id = (String) p.handle("POST", "", body()).body().get("id");
        Playground.Answer tooMany = p.handle("POST", "/" + id + "/train", body("steps", 201L));
        assertThat(tooMany.status()).isEqualTo(400);
        assertThat(tooMany.body()).containsEntry("error", "steps: at most 200 steps per request, got 201");
    }

    @Test
    void aSessionTrainsAtMostItsStepsPerSecond() {
        AtomicLong now = new AtomicLong(1_000_000_000L);
        Playground p = new Playground(now::get);
        String id = (String) p.handle("POST", "", body("layers", List.of(2L))).body().get("id");
        List<Object> trained = new ArrayList<>();
        for (int i = 0; i < 6; i++) trained.add(p.handle("POST", "/" + id + "/train", body("steps", 200L)).body().get("trained"));
        assertThat(trained).containsExactly(200, 200, 200, 200, 200, 0); // 1000 steps in the first second
        assertThat(p.handle("POST", "/" + id + "/train", body("steps", 1L)).body()).containsEntry("throttled", true).containsEntry("step", 1000);
        now.addAndGet(100_000_000L); // a tenth of a second later
        assertThat(p.handle("POST", "/" + id + "/train", body("steps", 200L)).body()).containsEntry("trained", 100).containsEntry("step", 1100);
    }

    @Test
    void theLargestNetworkOnTheLargestBatchesTrainsAboutOneStepPerSecond() {
        AtomicLong now = new AtomicLong();
        Playground p = new Playground(now::get);
        List<Long> six = List.of(64L, 64L, 64L, 64L, 64L, 64L);
        Map<String, Object> created = p.handle("POST", "", body("points", 2000L, "batch_size", 2000L, "layers", six)).body();
        assertThat(created).containsEntry("parameters", 21057L); // 2*64+64 + 5*(64*64+64) + 64+1
        assertThat(Playground.stepsPerSecond(2000, 21057)).isCloseTo(5e7 / (2000 * 21057.0), org.assertj.core.data.Offset.offset(1e-9));
        Map<String, Object> trained = p.handle("POST", "/" + created.get("id") + "/train", body("steps", 5L)).body();
        assertThat(trained).containsEntry("trained", 1).containsEntry("throttled", true).containsEntry("steps_per_second", 1.0);
        assertThat(Playground.stepsPerSecond(16, 105)).isEqualTo(Playground.MAX_STEPS_PER_SECOND);
    }

    @Test
    void pastTheSessionLimitTheLeastRecentlyUsedIsDropped() {
        Playground p = new Playground();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < Playground.MAX_SESSIONS; i++) ids.add((String) p.handle("POST", "", body("layers", List.of(2L))).body().get("id"));
        assertThat(p.handle("GET", "/" + ids.get(0), null).status()).isEqualTo(200); // the first is used again: the second is now the oldest
        String newest = (String) p.handle("POST", "", body("layers", List.of(2L))).body().get("id");
        assertThat(p.handle("GET", "/" + ids.get(1), null).status()).isEqualTo(404);
        assertThat(p.handle("GET", "/" + ids.get(1), null).body().get("error").toString()).contains("is gone", "press Reset");
        assertThat(p.handle("GET", "/" + ids.get(0), null).status()).isEqualTo(200);
        assertThat(p.handle("GET", "/" + newest, null).status()).isEqualTo(200);
    }

    @Test
    void stepTrainsOneBatchAndResetWithTheSeedStartsTheSameRunAgain() {
        Playground p = new Playground();
        Map<String, Object> config = body("dataset", "moons", "noise", 0.1, "seed", 9L, "layers", List.of(6L), "optimizer", "momentum", "learning_rate", 0.1);
        Map<String, Object> created = p.handle("POST", "", config).body();
        String id = (String) created.get("id");
        Map<String, Object> one = p.handle("POST", "/" + id + "/train", body("steps", 1L)).body();
        assertThat(one).containsEntry("step", 1).containsEntry("trained", 1);
        Map<String, Object> first = p.handle("POST", "/" + id + "/train", body("steps", 40L)).body();
        Map<String, Object> reset = p.handle("POST", "/" + id + "/reset", config).body();
        assertThat(reset).containsEntry("step", 0).containsEntry("id", id).containsEntry("points", created.get("points"));
        p.handle("POST", "/" + id + "/train", body("steps", 1L));
        Map<String, Object> again = p.handle("POST", "/" + id + "/train", body("steps", 40L)).body();
        assertThat(again.get("history")).isEqualTo(first.get("history"));
        assertThat(again.get("grid")).isEqualTo(first.get("grid"));
    }
}
