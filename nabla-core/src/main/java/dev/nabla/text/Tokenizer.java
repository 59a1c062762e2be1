package dev.nabla.text;

import dev.nabla.io.JsonFields;
import dev.nabla.tensor.Tensor;
import dev.nabla.train.SavedModel;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns texts into token ids and back, by characters (Unicode code points) or by words (runs of letters and digits;
 * everything else separates them). The vocabulary is fitted on training texts: the most frequent tokens first, ties
 * in the order of the tokens' text, up to a size cap; ids 0 to 3 are reserved for padding, unknown tokens and the
 * begin and end markers a language model reads and writes. Encoded texts are float32 tensors [batch, length] of
 * integer ids (exact below 2^24), padded with 0 at the end and truncated to the length. Its {@link #config()} travels
 * in a model file under {@code preprocessing.tokenizer} ({@link #of(SavedModel)}).
 *
 * <pre>{@code
 * Tokenizer tokenizer = Tokenizer.words().lowerCase(true).maxVocabulary(20000).length(40)
 *         .fit(List.of("A fine film", "A dull film"));
 * Tensor ids = tokenizer.encode(List.of("a fine day"));      // [1, 40]: 4 7 1 0 0 ... (a, fine, unknown, padding)
 * List<String> texts = tokenizer.decode(ids);                // ["a fine <unk>"]
 * }</pre>
 */
public final class Tokenizer {

    public enum Level { CHARACTER, WORD }

    /** Fills the steps after a text's end; an embedding's padding index. */
    public static final int PAD = 0;
    /** Stands for any token the vocabulary does not hold. */
    public static final int UNKNOWN = 1;
    /** Before a language model's first token. */
    public static final int BEGIN = 2;
    /** After a language model's last token. */
    public static final int END = 3;
    /** How the reserved ids are written in {@link #tokens()} and decoded texts. */
    public static final List<String> RESERVED = List.of("<pad>", "<unk>", "<s>", "</s>");
    /** The key of the tokenizer's config in a model file's preprocessing. */
    public static final String PREPROCESSING_KEY = "tokenizer";
    /** Ids stay exact in float32 up to 2^24. */
    public static final int MAX_VOCABULARY = 1 << 24;

    private final Level level;
    private boolean lowerCase;
    private int maxVocabulary = MAX_VOCABULARY;
    private int length;
    private List<String> tokens;
    private Map<String, Integer> ids;

    private Tokenizer(Level level) {
        this.level = level;
    }

    /** A tokenizer by characters (code points; spaces and punctuation are tokens too). */
    public static Tokenizer characters() {
        return new Tokenizer(Level.CHARACTER);
    }

    /** A tokenizer by words: maximal runs of letters and digits. */
    public static Tokenizer words() {
        return new Tokenizer(Level.WORD);
    }

    /** Whether texts are lower-cased (Locale.ROOT) before splitting, when fitting and encoding alike. */
    public Tokenizer lowerCase(boolean on) {
        this.lowerCase = on;
        return this;
    }

    /** The vocabulary's largest size, the 4 reserved ids included; rarer tokens become unknown. */
    public Tokenizer maxVocabulary(int size) {
        if (size <= RESERVED.size() || size > MAX_VOCABULARY) {
            throw new IllegalArgumentException("Tokenizer: the vocabulary cap must be in " + (RESERVED.size() + 1) + ".." + MAX_VOCABULARY
                    + " (4 ids are reserved; ids above 2^24 are not exact in float32), got " + size);
        }
        this.maxVocabulary = size;
        return this;
    }

    /** The length {@link #encode(List)} pads and truncates to. */
    public Tokenizer length(int tokensPerText) {
        if (tokensPerText <= 0) throw new IllegalArgumentException("Tokenizer: the length must be positive, got " + tokensPerText);
        this.length = tokensPerText;
        return this;
    }

    /** Learns the vocabulary from {@code texts}: most frequent first, equal counts in the tokens' text order, up to the cap. */
    public Tokenizer fit(List<String> texts) {
        Map<String, Integer> counts = new HashMap<>();
        for (String text : texts) for (String t : split(text)) counts.merge(t, 1, Integer::sum);
        List<Map.Entry<String, Integer>> ranked = new ArrayList<>(counts.entrySet());
        ranked.sort((a, b) -> a.getValue().equals(b.getValue()) ? a.getKey().compareTo(b.getKey()) : b.getValue() - a.getValue());
        List<String> vocabulary = new ArrayList<>(RESERVED);
        for (int i = 0; i < ranked.size() && vocabulary.size() < maxVocabulary; i++) vocabulary.add(ranked.get(i).getKey());
        setTokens(vocabulary);
        return this;
    }

    public Level level() {
        return level;
    }

    public boolean lowerCase() {
        return lowerCase;
    }

    /** The length set by {@link #length(int)}, 0 when none is. */
    public int length() {
        return length;
    }

    /** Ids in use: the reserved ones and the fitted tokens; an embedding's vocabulary size. */
    public int vocabularySize() {
        requireFitted("vocabularySize");
        return tokens.size();
    }

    /** The vocabulary by id: {@code tokens().get(id)}. */
    public List<String> tokens() {
        requireFitted("tokens");
        return tokens;
    }

    /** The text's tokens, lower-cased if asked: code points, or runs of letters and digits. */
    public List<String> split(String text) {
        String s = lowerCase ? text.toLowerCase(Locale.ROOT) : text;
        List<String> out = new ArrayList<>();
        if (level == Level.CHARACTER) {
            s.codePoints().forEach(c -> out.add(new String(Character.toChars(c))));
            return out;
        }
        int start = -1;
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            boolean inWord = Character.isLetterOrDigit(c);
            if (inWord && start < 0) start = i;
            if (!inWord && start >= 0) {
                out.add(s.substring(start, i));
                start = -1;
            }
            i += Character.charCount(c);
        }
        if (start >= 0) out.add(s.substring(start));
        return out;
    }

    /** The text's ids, unpadded; tokens outside the vocabulary are {@link #UNKNOWN}. */
    public int[] ids(String text) {
        requireFitted("ids");
        List<String> parts = split(text);
        int[] out = new int[parts.size()];
        for (int i = 0; i < out.length; i++) out[i] = ids.getOrDefault(parts.get(i), UNKNOWN);
        return out;
    }

    /** The texts as ids [batch, length()], padded with 0 and truncated at the end. */
    public Tensor encode(List<String> texts) {
        if (length == 0) throw new IllegalStateException("Tokenizer.encode: no length set; call length(n) or encode(texts, n)");
        return encode(texts, length);
    }

    /** The texts as ids [batch, length], padded with 0 and truncated at the end. */
    public Tensor encode(List<String> texts, int length) {
        if (length <= 0) throw new IllegalArgumentException("Tokenizer.encode: the length must be positive, got " + length);
        float[] out = new float[texts.size() * length];
        for (int b = 0; b < texts.size(); b++) {
            int[] row = ids(texts.get(b));
            for (int t = 0; t < Math.min(length, row.length); t++) out[b * length + t] = row[t];
        }
        return Tensor.of(out, texts.size(), length);
    }

    /**
     * The texts of ids [batch, length] (or one row [length]): tokens joined (words by a space), padding and the begin
     * marker left out, the end marker ending the text, unknown ids written {@code <unk>}.
     */
    public List<String> decode(Tensor ids) {
        requireFitted("decode");
        int[] s = ids.shape();
        if (s.length != 1 && s.length != 2) throw new IllegalArgumentException("Tokenizer.decode: expected ids [batch, length], got shape " + dev.nabla.tensor.Shape.str(s));
        int rows = s.length == 1 ? 1 : s[0], n = s[s.length - 1];
        float[] v = ids.data();
        List<String> texts = new ArrayList<>();
        for (int b = 0; b < rows; b++) {
            int[] row = new int[n];
            for (int t = 0; t < n; t++) row[t] = id(v[b * n + t], b, t);
            texts.add(decode(row));
        }
        return texts;
    }

    /** One text from its ids, as {@link #decode(Tensor)}. */
    public String decode(int[] row) {
        requireFitted("decode");
        StringBuilder sb = new StringBuilder();
        for (int id : row) {
            if (id < 0 || id >= tokens.size()) throw new IllegalArgumentException("Tokenizer.decode: id " + id + " is outside the vocabulary of " + tokens.size());
            if (id == END) break;
            if (id == PAD || id == BEGIN) continue;
            if (level == Level.WORD && sb.length() > 0) sb.append(' ');
            sb.append(tokens.get(id));
        }
        return sb.toString();
    }

    private int id(float v, int row, int step) {
        if (v != Math.rint(v) || v < 0 || v >= tokens.size()) {
            throw new IllegalArgumentException("Tokenizer.decode: row " + row + " step " + step + ": " + v + " is not an id of the vocabulary of " + tokens.size());
        }
        return (int) v;
    }

    /** {@code {"level": "word", "lower_case": true, "max_vocabulary": 20000, "length": 40, "tokens": ["<pad>", ...]}} */
    public Map<String, Object> config() {
        requireFitted("config");
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("level", level.name().toLowerCase(Locale.ROOT));
        c.put("lower_case", lowerCase);
        c.put("max_vocabulary", maxVocabulary);
        if (length > 0) c.put("length", length);
        c.put("tokens", tokens);
        return c;
    }

    /** The tokenizer a {@link #config()} describes; {@code where} is its path in its file, which errors name. */
    public static Tokenizer fromConfig(Map<?, ?> c, String where) {
        JsonFields f = new JsonFields(c, where);
        String level = f.requireString("level");
        Tokenizer t = switch (level) {
            case "character" -> characters();
            case "word" -> words();
            default -> throw f.error("level", "expected \"character\" or \"word\", got \"" + level + "\"");
        };
        t.lowerCase(f.requireBoolean("lower_case"));
        try {
            t.maxVocabulary(f.requireInt("max_vocabulary"));
            if (f.has("length")) t.length(f.requireInt("length"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
        List<?> list = f.requireList("tokens");
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof String s)) throw f.error("tokens[" + i + "]", "expected a string, got " + JsonFields.show(list.get(i)));
            tokens.add(s);
        }
        if (tokens.size() < RESERVED.size() || !tokens.subList(0, RESERVED.size()).equals(RESERVED)) {
            throw f.error("tokens", "must start with the reserved " + RESERVED);
        }
        if (tokens.size() > t.maxVocabulary) throw f.error("tokens", "has " + tokens.size() + " entries, more than max_vocabulary " + t.maxVocabulary);
        try {
            t.setTokens(tokens);
        } catch (IllegalArgumentException e) {
            throw f.error("tokens", e.getMessage());
        }
        return t;
    }

    /** The tokenizer saved with a model ({@code preprocessing.tokenizer}), or null when it has none. */
    public static Tokenizer of(SavedModel saved) {
        Object c = saved.preprocessing().get(PREPROCESSING_KEY);
        if (c == null) return null;
        if (!(c instanceof Map<?, ?> m)) throw new IllegalArgumentException("preprocessing." + PREPROCESSING_KEY + ": expected an object, got " + JsonFields.show(c));
        return fromConfig(m, "preprocessing." + PREPROCESSING_KEY);
    }

    private void setTokens(List<String> vocabulary) {
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < vocabulary.size(); i++) {
            if (index.put(vocabulary.get(i), i) != null) throw new IllegalArgumentException("the token \"" + vocabulary.get(i) + "\" appears twice");
        }
        this.tokens = List.copyOf(vocabulary);
        this.ids = index;
    }

    private void requireFitted(String what) {
        if (tokens == null) throw new IllegalStateException("Tokenizer." + what + ": call fit(trainingTexts) first");
    }
}
