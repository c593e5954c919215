namespace LlamaOrch.EngineHost.Simulation;

/// <summary>The fixed word list of the synthetic model. Changing it changes every sim transcript.</summary>
internal static class SimWords
{
    public static ReadOnlySpan<string> All => Words;

    private static readonly string[] Words =
    [
        "the", "of", "and", "to", "in", "a", "is", "that", "for", "it", "as", "was", "with", "be", "by", "on",
        "not", "he", "this", "are", "or", "his", "from", "at", "which", "but", "have", "an", "had", "they", "you",
        "were", "their", "one", "all", "we", "can", "her", "has", "there", "been", "if", "more", "when", "will",
        "would", "who", "so", "no", "she", "other", "its", "may", "these", "about", "some", "time", "into", "only",
        "could", "new", "them", "then", "than", "first", "two", "also", "any", "like", "our", "over", "after",
        "many", "most", "such", "where", "through", "people", "very", "before", "good", "much", "world", "each",
        "work", "way", "even", "because", "life", "day", "long", "water", "light", "house", "small", "place",
        "great", "number", "part", "little", "river", "city", "model", "system", "story", "garden", "machine",
        "window", "morning", "evening", "question", "answer", "paper", "music", "engine", "signal", "memory",
        "pattern", "simple", "quiet", "bright", "slow", "quick", "open", "near", "under", "between", "without",
        "always", "never", "often", "again", "still", "here", "now", "just", "well", "how", "what", "why",
        "make", "find", "think", "know", "see", "come", "take", "give", "tell", "write", "read", "build", "carry",
        "follow", "change", "begin", "keep", "hold", "turn", "move", "learn", "remember", "forest", "mountain",
    ];
}
