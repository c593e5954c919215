namespace LlamaOrch.Client;

/// <summary>
/// A task stream kept dropping: reading it again did not get past the frames already seen within
/// <see cref="LlamaOrchClientOptions.MaxStreamReconnects"/> tries in a row. The task itself may still be running.
/// </summary>
public sealed class TaskStreamInterruptedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TaskStreamInterruptedException(string taskId, int reconnects, Exception? lastError)
        : base($"the stream of task {taskId} dropped {reconnects} times in a row without progress" + (lastError is null ? "" : $": {lastError.Message}"), lastError)
    {
        TaskId = taskId;
        Reconnects = reconnects;
    }

    /// <summary>The task whose stream dropped.</summary>
    public string TaskId { get; }

    /// <summary>How many times it was read again without progress.</summary>
    public int Reconnects { get; }
}
