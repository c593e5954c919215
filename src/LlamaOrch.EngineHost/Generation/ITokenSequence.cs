namespace LlamaOrch.EngineHost.Generation;

/// <summary>One generation in one slot, produced token by token; disposing it ends the generation and frees its work.</summary>
internal interface ITokenSequence : IDisposable
{
    /// <summary>Prompt tokens that were already in the slot's KV cache and were not evaluated again.</summary>
    int CachedPromptTokens { get; }

    /// <summary>
    /// The next token. Completes synchronously when the token is ready now, which the caller uses to batch several
    /// tokens into one network flush; throws <see cref="OperationCanceledException"/> when cancelled while waiting.
    /// A caller that gives up on the sequence may leave the last result unawaited, so implementations must not
    /// rely on it being consumed.
    /// </summary>
    ValueTask<GeneratedToken> NextAsync(CancellationToken cancellationToken);
}
