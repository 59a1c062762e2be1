package dev.nabla.text;

import dev.nabla.nn.Dense;
import dev.nabla.tensor.Tensor;
import dev.nabla.train.ModelFile;
import dev.nabla.train.SavedModel;
import dev.nabla.train.Sequential;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TokenizerTest {

    @Test
    void wordsAreRunsOfLettersAndDigitsLowerCasedWhenAsked() {
        assertThat(Tokenizer.words().lowerCase(true).split("Don't STOP--me now, 2 times!")).containsExactly("don", "t", "stop", "me", "now", "2", "times");
        assertThat(Tokenizer.words().split("Ünïcode café")).containsExactly("Ünïcode", "café");
        assertThat(Tokenizer.words().split("  ...  ")).isEmpty();
    }

    @Test
    void charactersAreCodePointsSoASurrogatePairIsOneToken() {
        assertThat(Tokenizer.characters().split("a b\uD83D\uDE00")).containsExactly("a", " ", "b", "\uD83D\uDE00");
    }

    @Test
    void theVocabularyIsReservedIdsThenMostFrequentFirstWithTiesInTextOrder() {
        Tokenizer t = Tokenizer.words().lowerCase(true).fit(List.of("b a c", "C b", "d c"));
        // c: 3, b: 2, then a and d once each, a before d
        assertThat(t.tokens()).containsExactly("<pad>", "<unk>", "<s>", "</s>", "c", "b", "a", "d");
        assertThat(Tokenizer.words().lowerCase(true).fit(List.of("d c", "C b", "b a c")).tokens()).isEqualTo(t.tokens());
    }

    @Test
    void theCapKeepsTheMostFrequentTokensAndTheRestAreUnknown() {
        Tokenizer t = Tokenizer.words().maxVocabulary(6).fit(List.of("x x x y y z", "w"));
        assertThat(t.vocabularySize()).isEqualTo(6);
        assertThat(t.tokens().subList(4, 6)).containsExactly("x", "y");
        assertThat(t.ids("z x never y")).containsExactly(Tokenizer.UNKNOWN, 4, Tokenizer.UNKNOWN, 5);
        assertThatThrownBy(() -> Tokenizer.words().maxVocabulary(4)).hasMessageContaining("4 ids are reserved").hasMessageContaining("got 4");
    }

    @Test
    void encodingPadsWithZeroAndTruncatesAtTheEnd() {
        Tokenizer t = Tokenizer.characters().fit(List.of("abc"));
        Tensor ids = t.encode(List.of("ab", "cabca", ""), 4);
        assertThat(ids.shape()).containsExactly(3, 4);
        int a = t.ids("a")[0], b = t.ids("b")[0], c = t.ids("c")[0];
        assertThat(ids.data()).containsExactly(a, b, 0, 0, c, a, b, c, 0, 0, 0, 0);
    }

    @Test
    void decodingGivesBackTheTextsWithUnknownTokensMarked() {
        Tokenizer chars = Tokenizer.characters().fit(List.of("hello world \uD83D\uDE00"));
        List<String> texts = List.of("hold", "o\uD83D\uDE00", "");
        assertThat(chars.decode(chars.encode(texts, 6))).isEqualTo(texts);
        assertThat(chars.decode(chars.encode(List.of("hex"), 3))).containsExactly("he<unk>");

        Tokenizer words = Tokenizer.words().lowerCase(true).fit(List.of("The cat sat", "the dog"));
        assertThat(words.decode(words.encode(List.of("The DOG sat, quietly"), 5))).containsExactly("the dog sat <unk>");
    }

    @Test
    void decodingSkipsTheBeginMarkerAndStopsAtTheEndMarker() {
        Tokenizer t = Tokenizer.characters().fit(List.of("ab"));
        int a = t.ids("a")[0], b = t.ids("b")[0];
        assertThat(t.decode(new int[] {Tokenizer.BEGIN, a, b, Tokenizer.END, a})).isEqualTo("ab");
    }

    @Test
    void decodingRefusesAnIdOutsideTheVocabularyOrNotAWholeNumber() {
        Tokenizer t = Tokenizer.characters().fit(List.of("ab"));
        assertThatThrownBy(() -> t.decode(Tensor.of(new float[] {4, 6}, 1, 2)))
                .hasMessage("Tokenizer.decode: row 0 step 1: 6.0 is not an id of the vocabulary of 6");
        assertThatThrownBy(() -> t.decode(Tensor.of(new float[] {4.5f}, 1, 1))).hasMessageContaining("4.5 is not an id");
    }

    @Test
    void theTokenizerTravelsInTheModelFile(@TempDir Path dir) {
        Tokenizer t = Tokenizer.words().lowerCase(true).maxVocabulary(50).length(7).fit(List.of("Good film", "bad film", "good"));
        Sequential model = Sequential.of(Dense.of(2));
        model.buildFor(new int[] {1, 7});
        Map<String, Object> preprocessing = new LinkedHashMap<>();
        preprocessing.put(Tokenizer.PREPROCESSING_KEY, t.config());
        Path file = dir.resolve("m.nabla");
        ModelFile.save(file, new SavedModel(model, preprocessing, null, Map.of()));

        Tokenizer back = Tokenizer.of(ModelFile.load(file));
        assertThat(back.config()).isEqualTo(t.config());
        assertThat(back.level()).isEqualTo(Tokenizer.Level.WORD);
        assertThat(back.length()).isEqualTo(7);
        assertThat(back.encode(List.of("GOOD bad unseen")).data()).containsExactly(t.encode(List.of("good bad unseen")).data());
        assertThat(Tokenizer.of(new SavedModel(model, Map.of(), null, Map.of()))).isNull();
    }

    @Test
    void aBrokenConfigNamesTheField() {
        Map<String, Object> c = new LinkedHashMap<>(Tokenizer.characters().fit(List.of("ab")).config());
        c.put("tokens", List.of("<pad>", "<unk>", "<s>", "</s>", "a", "a"));
        assertThatThrownBy(() -> Tokenizer.fromConfig(c, "preprocessing.tokenizer"))
                .hasMessage("preprocessing.tokenizer.tokens: the token \"a\" appears twice");
        c.put("tokens", List.of("a"));
        assertThatThrownBy(() -> Tokenizer.fromConfig(c, "preprocessing.tokenizer")).hasMessageContaining("tokens: must start with the reserved");
        c.put("level", "byte");
        assertThatThrownBy(() -> Tokenizer.fromConfig(c, "preprocessing.tokenizer"))
                .hasMessage("preprocessing.tokenizer.level: expected \"character\" or \"word\", got \"byte\"");
    }

    @Test
    void usingItBeforeFittingSaysSo() {
        assertThatThrownBy(() -> Tokenizer.words().ids("x")).hasMessage("Tokenizer.ids: call fit(trainingTexts) first");
        assertThatThrownBy(() -> Tokenizer.words().fit(List.of("x")).encode(List.of("x"))).hasMessageContaining("no length set");
    }
}
