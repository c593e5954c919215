namespace LlamaOrch.Engines.TgiProtocol;

/// <summary>One <c>data:</c> event of <c>/generate_stream</c>: a token, with <c>details</c> on the last one, or an error.</summary>
internal sealed record TgiStreamEvent(TgiToken? Token, string? GeneratedText, TgiStreamDetails? Details, string? Error, string? ErrorType);

internal sealed record TgiToken(int Id, string? Text, bool Special);

/// <summary><c>input_length</c> is sent by TGI 2 and later.</summary>
internal sealed record TgiStreamDetails(string? FinishReason, int GeneratedTokens, long? Seed, int? InputLength);

/// <summary>TGI's <c>GET /info</c>, the parts used here.</summary>
internal sealed record TgiInfo(string? ModelId, string? Version, int? MaxTotalTokens);
