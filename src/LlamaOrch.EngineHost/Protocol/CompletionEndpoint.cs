using System.Buffers;
using System.IO.Pipelines;
using LlamaOrch.EngineHost.Generation;
using LlamaOrch.EngineProtocol.Wire;
using LlamaOrch.EngineHost.Slots;

namespace LlamaOrch.EngineHost.Protocol;

/// <summary>
/// <c>POST /completion</c>: validates, waits for a slot, runs the sequence in it and writes SSE frames or one JSON
/// reply. The client's disconnect and the engine's shutdown both stop generation and free the slot at once.
/// </summary>
internal sealed class CompletionEndpoint(
    ModelHost models,
    SlotPool slots,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    ILogger<CompletionEndpoint> logger)
{
    public const string CorrelationIdHeader = "X-Correlation-Id";

    // Tokens that are ready at once go out in one write, up to this many, so that a client behind a fast engine
    // still sees a steady trickle rather than one burst at the end.
    private const int MaxTokensPerFlush = 32;

    public async Task HandleAsync(HttpContext context)
    {
        var model = models.Model;
        var (ok, request) = await ProtocolErrors.ReadBodyAsync(context, LlamaCppJsonContext.Relaxed.CompletionRequest);
        if (!ok) return;

        if (request is null)
        {
            await ProtocolErrors.WriteBadRequestAsync(context, "the body must be a JSON object");
            return;
        }

        if (!CompletionRequestValidator.TryPlan(request, model, slots, out var plan, out var error))
        {
            await ProtocolErrors.WriteBadRequestAsync(context, error);
            return;
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(
            context.RequestAborted,
            lifetime.ApplicationStopping);
        var correlationId = context.Request.Headers[CorrelationIdHeader].ToString();
        var slot = await slots.AcquireAsync(plan.RequestedSlot, stop.Token);
        if (slot is null)
        {
            CompletionLog.AbandonedWhileDeferred(logger, correlationId);
            await ProtocolErrors.WriteStoppedAsync(context, lifetime.ApplicationStopping);
            return;
        }

        CompletionResult? result;
        int decoded;
        try
        {
            result = await RunAsync(context, model, slot, plan, stop.Token);
        }
        finally
        {
            decoded = slot.Decoded;
            slots.Release(slot);
        }

        if (result is { } finished)
        {
            CompletionLog.Completed(
                logger,
                finished.SlotId,
                finished.TokensEvaluated,
                finished.TokensPredicted,
                finished.StopType,
                correlationId);
        }
        else
        {
            CompletionLog.Cancelled(logger, slot.Id, decoded, correlationId);
            await ProtocolErrors.WriteStoppedAsync(context, lifetime.ApplicationStopping);
        }
    }

    /// <summary>Generates in <paramref name="slot"/>; null when the client left or the engine is stopping.</summary>
    private async Task<CompletionResult?> RunAsync(
        HttpContext context,
        IEngineModel model,
        Slot slot,
        CompletionPlan plan,
        CancellationToken cancellationToken)
    {
        var response = context.Response;
        var output = response.BodyWriter;
        var frames = new CompletionFrameWriter(output, model.ModelRef);
        var content = plan.Stream ? null : new ArrayBufferWriter<byte>();
        try
        {
            slot.BeginCompletion(plan.PromptTokens);
            var promptStart = time.GetTimestamp();
            using var sequence = await EvaluatePromptAsync(model, slot, plan, cancellationToken);
            var generationStart = time.GetTimestamp();
            using var decode = CompletionSpans.StartDecode(slot.Id);

            // The first token is usually ready with the prompt's end (the same decode step samples it).
            var next = plan.TokenLimit > 0 ? sequence.NextAsync(cancellationToken) : default;
            if (plan.Stream)
            {
                response.ContentType = "text/event-stream";
                response.Headers.CacheControl = "no-cache";
                // The client learns that generation has started before the first token: the headers go out now, or
                // with that token in one write when it is ready already.
                if (!next.IsCompleted) await output.FlushAsync(cancellationToken);
            }

            var predicted = 0;
            var unflushed = 0;
            var stopType = StopType.Limit;
            var stops = new StopStringMatcher(plan.StopStrings);
            var piece = new ArrayBufferWriter<byte>(64);
            var first = true;
            while (predicted < plan.TokenLimit)
            {
                if (!first) next = sequence.NextAsync(cancellationToken);
                first = false;
                if (unflushed > 0 && (!next.IsCompleted || unflushed >= MaxTokensPerFlush))
                {
                    unflushed = 0;
                    if (await FlushAsync(output, cancellationToken))
                    {
                        return null;
                    }
                }

                var token = await next;
                if (cancellationToken.IsCancellationRequested)
                {
                    return null;
                }

                // The end token is not counted, but its bytes go out: those of a character the last tokens began and
                // never finished, sent as when the token limit ends the text, so both ends of the same text read the same.
                if (!token.IsEndOfGeneration)
                {
                    predicted++;
                    slot.CountPredictedToken();
                }
                piece.ResetWrittenCount();
                stops.Push(token.Utf8Piece.Span, piece);
                if (WriteOutput(frames, content, piece, slot.Id, predicted, plan.PromptTokens)) unflushed++;
                if (token.IsEndOfGeneration)
                {
                    stopType = StopType.Eos;
                    break;
                }
                if (stops.Matched is not null)
                {
                    stopType = StopType.Word;
                    break;
                }
            }

            piece.ResetWrittenCount();
            stops.Flush(piece);
            if (WriteOutput(frames, content, piece, slot.Id, predicted, plan.PromptTokens)) unflushed++;

            CompletionSpans.Decoded(decode, predicted, stopType);
            var result = new CompletionResult(
                slot.Id,
                predicted,
                plan.PromptTokens,
                sequence.CachedPromptTokens,
                stopType,
                time.GetElapsedTime(promptStart, generationStart),
                time.GetElapsedTime(generationStart),
                stops.Matched);
            if (content is null)
            {
                frames.WriteFinalFrame(result);
            }
            else
            {
                response.ContentType = "application/json; charset=utf-8";
                frames.WriteFinalObject(result, content.WrittenSpan);
            }

            return await FlushAsync(output, cancellationToken) ? null : result;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>
    /// Sends or keeps <paramref name="piece"/>; true when a frame was written. A piece held back whole (it may start a
    /// stop string) sends no frame: an empty frame would read as a token of no text.
    /// </summary>
    private static bool WriteOutput(
        CompletionFrameWriter frames,
        ArrayBufferWriter<byte>? content,
        ArrayBufferWriter<byte> piece,
        int slotId,
        int predicted,
        int promptTokens)
    {
        if (piece.WrittenCount == 0) return false;
        if (content is not null)
        {
            content.Write(piece.WrittenSpan);
            return false;
        }

        frames.WriteTokenFrame(piece.WrittenSpan, slotId, predicted, promptTokens);
        return true;
    }

    /// <summary>Starts the sequence: the prompt's evaluation, as its own span.</summary>
    private static async ValueTask<ITokenSequence> EvaluatePromptAsync(IEngineModel model, Slot slot, CompletionPlan plan, CancellationToken cancellationToken)
    {
        using var span = CompletionSpans.StartPromptEval(slot.Id, plan.PromptTokens);
        var sequence = await model.StartSequenceAsync(
            slot.Id, plan.Prompt, plan.Sampling, plan.TokenLimit, plan.ReuseCachedPrefix, cancellationToken);
        CompletionSpans.PromptCached(span, sequence.CachedPromptTokens);
        return sequence;
    }

    /// <summary>Sends what is buffered; true when the client has gone and nothing more can reach it.</summary>
    private static async ValueTask<bool> FlushAsync(PipeWriter output, CancellationToken cancellationToken)
    {
        var flush = await output.FlushAsync(cancellationToken);
        return flush.IsCompleted || flush.IsCanceled;
    }
}
