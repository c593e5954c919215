namespace LlamaOrch.BareKestrel;

/// <summary>The 202 and the 429 of the task API as constant bytes, about the size orchestratord sends.</summary>
internal static class FixedAnswers
{
    private static readonly byte[] Admission =
        """{"task_id":"0b0e8f3a-6c1e-4a52-9a57-5d4b1a0f2c11","queue_position":0,"predicted_start_ms":0,"backoff_ms":0,"seed":3516810637,"pool_id":"bench","session_id":"7d2f4b8e-1a3c-4e5f-8a9b-0c1d2e3f4a5b"}"""u8.ToArray();

    private static readonly byte[] Refusal =
        """{"code":"ADMISSION_REJECT","message":"queue full for pool slow (capacity 8); retry after the backoff","engine":"llamacpp","retriable":true,"retry_after_ms":1000,"policy_label":"reject"}"""u8.ToArray();

    public static async Task DrainAsync(HttpRequest request)
    {
        var buffer = new byte[4096];
        while (await request.Body.ReadAsync(buffer) > 0) { }
    }

    public static Task AcceptedAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status202Accepted;
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.Location = "/v1/tasks/0b0e8f3a-6c1e-4a52-9a57-5d4b1a0f2c11/stream";
        return context.Response.Body.WriteAsync(Admission).AsTask();
    }

    public static Task RejectedAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.RetryAfter = "1";
        context.Response.Headers["X-Backoff-Ms"] = "1000";
        return context.Response.Body.WriteAsync(Refusal).AsTask();
    }
}
