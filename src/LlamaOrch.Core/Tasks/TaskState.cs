namespace LlamaOrch.Core.Tasks;

public enum TaskState { Queued, Running, Completed, Failed, Canceled }
