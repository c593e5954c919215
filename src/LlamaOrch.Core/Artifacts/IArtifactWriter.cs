namespace LlamaOrch.Core.Artifacts;

/// <summary>
/// Where Core stores an artifact it makes itself (a task's transcript); the host implements it with its artifact
/// store. Same contract as that store's write: idempotent by id, atomic, thread-safe.
/// </summary>
public interface IArtifactWriter
{
    /// <summary>Stores the document unless it is stored already; answers its row and whether this call stored it.</summary>
    Task<(ArtifactRecord Record, bool Created)> PutAsync(ArtifactDocument document, long createdMs, CancellationToken cancellationToken);
}
