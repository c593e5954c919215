namespace LlamaOrch.EngineHost.Protocol;

/// <summary>
/// Runs CPU-bound native work once per input of a request (an embedding, a rerank score) off the request thread,
/// stopping when the client leaves. An input the model refuses (too long) answers 400 with its reason.
/// </summary>
internal static class PerInputWork
{
    /// <summary>The most inputs one request may carry.</summary>
    public const int MaxInputs = 256;

    /// <summary>The results in input order, or null once a 400 has been written.</summary>
    public static async Task<T[]?> RunAsync<T>(HttpContext context, int count, Func<int, T> work)
    {
        var results = new T[count];
        try
        {
            await Task.Run(() =>
            {
                for (var i = 0; i < count; i++)
                {
                    context.RequestAborted.ThrowIfCancellationRequested();
                    results[i] = work(i);
                }
            }, context.RequestAborted);
            return results;
        }
        catch (ArgumentException error)
        {
            await ProtocolErrors.WriteBadRequestAsync(context, error.Message);
            return null;
        }
    }
}
