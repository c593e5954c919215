using LlamaOrch.Contracts.Errors;
using LlamaOrch.Core.Admission;

namespace LlamaOrch.Core.Catalog;

/// <summary>
/// The model catalog: every entry in memory as an immutable index, backed by an <see cref="ICatalogStore"/>.
/// Reads (admission checks included) take no lock and never touch the disk. Writes are serialised, go to
/// the store first and only then swap the index, so a failed write changes nothing that readers can see.
/// </summary>
public sealed class ModelCatalog
{
    private readonly ICatalogStore _store;
    private readonly TimeProvider _time;
    private readonly IModelFileCheck? _files;
    // Writes are rare (control plane); one at a time keeps store and index in the same order.
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private volatile CatalogIndex _index;

    private ModelCatalog(ICatalogStore store, TimeProvider time, IModelFileCheck? files, CatalogIndex index)
    {
        _store = store;
        _time = time;
        _files = files;
        _index = index;
    }

    /// <summary>Loads every stored entry, with no check of the files registrations point at (tests of the domain).</summary>
    public static Task<ModelCatalog> OpenAsync(ICatalogStore store, TimeProvider time, CancellationToken cancellationToken) =>
        OpenAsync(store, time, files: null, cancellationToken);

    /// <summary>Loads every stored entry; the store is not read again.</summary>
    /// <param name="files">Checks the file of each new registration's ref, after its fields validate.</param>
    public static async Task<ModelCatalog> OpenAsync(ICatalogStore store, TimeProvider time, IModelFileCheck? files, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(time);
        var models = await store.LoadAllAsync(cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var opened = new List<CatalogModel>(models.Count);
        foreach (var model in models)
        {
            // A Pending verdict was stored by a check this process no longer runs (it stopped mid-check): left as it
            // is, a strict entry would answer "still running, retry" for ever. Written back, so the file says so too.
            var verification = model.Verification.AfterRestart();
            if (verification == model.Verification)
            {
                opened.Add(model);
                continue;
            }
            var interrupted = model with { Verification = verification, UpdatedMs = Math.Max(now, model.UpdatedMs) };
            if (await store.UpdateAsync(interrupted, cancellationToken).ConfigureAwait(false)) opened.Add(interrupted);
        }
        return new ModelCatalog(store, time, files, CatalogIndex.Of(opened));
    }

    /// <summary>Every entry, ordered by id.</summary>
    public IReadOnlyList<CatalogModel> All => _index.All;

    /// <summary>
    /// Up to <paramref name="limit"/> entries whose ids sort (ordinal) after <paramref name="after"/>, from the
    /// first when it is null. Keyed by id rather than by position, so entries added or removed between two
    /// pages neither repeat nor skip the others.
    /// </summary>
    public CatalogPage List(string? after, int limit)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var all = _index.All;
        var start = 0;
        if (after is not null)
        {
            var end = all.Count;
            while (start < end)
            {
                var middle = (start + end) / 2;
                if (string.CompareOrdinal(all[middle].Id, after) <= 0) start = middle + 1;
                else end = middle;
            }
        }
        var count = Math.Min(limit, all.Count - start);
        var page = new CatalogModel[count];
        for (var i = 0; i < count; i++) page[i] = all[start + i];
        return new CatalogPage(page, start + count < all.Count ? page[^1].Id : null);
    }

    /// <summary>The entry with this id, or else the earliest registered entry whose
    /// <see cref="CatalogModel.SourceUrl"/> is exactly this ref (ordinal); null when none.</summary>
    public CatalogModel? Find(string idOrRef)
    {
        ArgumentNullException.ThrowIfNull(idOrRef);
        return _index.TryFind(idOrRef, out var model, out _) ? model : null;
    }

    /// <summary>
    /// The digest of the model an id or ref names, as far as the catalog knows it: the one its last verification found
    /// in the file, else the one it was registered with; null when neither is known.
    /// </summary>
    public string? DigestOf(string idOrRef) => Find(idOrRef) is { } model ? model.Verification.ActualDigest ?? model.Digest : null;

    /// <summary>The entry with exactly this id; null when none (no source_url lookup).</summary>
    public CatalogModel? Get(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        return _index.FindById(id);
    }

    /// <summary>
    /// Whether a task for <paramref name="modelRef"/> may be admitted: null when no entry matches it (the
    /// catalog does not gate models it does not know) or the matching entry may serve; otherwise
    /// <c>MODEL_DEPRECATED</c> for a Retired entry, or <c>UNTRUSTED_ARTIFACT</c> for a file that failed its
    /// digest check (any trust mode) or a strict entry that is not Verified.
    /// </summary>
    public Rejection? AdmissionCheck(string modelRef)
    {
        ArgumentNullException.ThrowIfNull(modelRef);
        return _index.TryFind(modelRef, out _, out var verdict) ? verdict : null;
    }

    /// <summary>Validates and stores a new entry, Active and Unverified. A ref to a local file must pass the
    /// file check given at open.</summary>
    public async Task<RegistrationResult> RegisterAsync(ModelRegistration registration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registration);
        if (CatalogValidator.Validate(registration, out var digest) is { } invalid)
            return new RegistrationResult(RegistrationStatus.Invalid, null, invalid);
        if (_files?.Problem(registration.SourceUrl ?? registration.Id) is { } fileProblem)
            return new RegistrationResult(RegistrationStatus.Invalid, null,
                Rejection.InvalidParams(registration.SourceUrl is null ? "id" : "source_url", fileProblem));

        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_index.FindById(registration.Id) is { } existing)
                return new RegistrationResult(RegistrationStatus.Conflict, existing, Conflict(registration.Id));

            var now = NowMs();
            var model = new CatalogModel(
                registration.Id,
                digest,
                registration.SourceUrl,
                registration.Tags?.ToArray() ?? [],
                registration.Signatures?.ToArray() ?? [],
                registration.SbomJson,
                registration.TrustPolicy ?? TrustPolicy.Default,
                CatalogState.Active,
                now,
                now,
                ModelVerification.Unverified);
            if (!await _store.TryInsertAsync(model, cancellationToken).ConfigureAwait(false))
            {
                // Only this catalog writes the store, so this means the index missed a row; report the conflict
                // rather than overwrite what is stored.
                return new RegistrationResult(RegistrationStatus.Conflict, null, Conflict(registration.Id));
            }
            _index = _index.With(model);
            return new RegistrationResult(RegistrationStatus.Created, model, null);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <returns>False when no entry has the id.</returns>
    public async Task<bool> RemoveAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var deleted = await _store.DeleteAsync(id, cancellationToken).ConfigureAwait(false);
            if (deleted || _index.FindById(id) is not null) _index = _index.Without(id);
            return deleted;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <returns>The entry as it now stands and whether this call changed its state (false when it had that state
    /// already); null when no entry has the id.</returns>
    public async Task<(CatalogModel Model, bool Changed)?> SetStateAsync(string id, CatalogState state, CancellationToken cancellationToken)
    {
        if (!Enum.IsDefined(state)) throw new ArgumentOutOfRangeException(nameof(state), state, "not a catalog state");
        var changed = false;
        var model = await UpdateAsync(id, current =>
        {
            changed = current.State != state;
            return changed ? current with { State = state } : null;
        }, cancellationToken).ConfigureAwait(false);
        return model is null ? null : (model, changed);
    }

    /// <summary>Records that a verification of <paramref name="model"/> starts (<see cref="ModelVerification.Restarted"/>
    /// of its current verdict), unless the entry was removed or registered anew since it was read.</summary>
    /// <returns>The updated entry (Pending); null when the entry is gone or is no longer that registration.</returns>
    public Task<CatalogModel?> StartVerificationAsync(CatalogModel model, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        return UpdateAsync(model.Id, current => current.IsSameRegistration(model) ? current with { Verification = current.Verification.Restarted() } : null,
            cancellationToken, unchangedIsNull: true);
    }

    /// <summary>Stores a verdict for the entry with this id, whatever registration it is (tests of the domain;
    /// the server records verdicts through the overload that checks the registration).</summary>
    /// <returns>The updated entry; null when no entry has the id (it was removed meanwhile).</returns>
    public Task<CatalogModel?> RecordVerificationAsync(string id, ModelVerification verification, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(verification);
        return UpdateAsync(id, current => current with { Verification = verification }, cancellationToken);
    }

    /// <summary>
    /// Stores the outcome of a verification of <paramref name="verified"/>, unless the entry was removed or
    /// registered anew (another file, digest, signatures, SBOM or policy) while the verification ran: a verdict
    /// about the old registration must not vouch for the new one.
    /// </summary>
    /// <returns>The updated entry; null when the entry is gone or is no longer the one that was verified.</returns>
    public Task<CatalogModel?> RecordVerificationAsync(CatalogModel verified, ModelVerification verification, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(verified);
        ArgumentNullException.ThrowIfNull(verification);
        return UpdateAsync(verified.Id, current => current.IsSameRegistration(verified) ? current with { Verification = verification } : null, cancellationToken,
            unchangedIsNull: true);
    }

    /// <param name="change">The new entry, or null when the change would be no change.</param>
    /// <param name="unchangedIsNull">Report "no change" as null rather than as the current entry.</param>
    private async Task<CatalogModel?> UpdateAsync(string id, Func<CatalogModel, CatalogModel?> change, CancellationToken cancellationToken, bool unchangedIsNull = false)
    {
        ArgumentNullException.ThrowIfNull(id);
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_index.FindById(id) is not { } current) return null;
            if (change(current) is not { } changed) return unchangedIsNull ? null : current;

            var updated = changed with { UpdatedMs = Math.Max(NowMs(), current.UpdatedMs) };
            if (!await _store.UpdateAsync(updated, cancellationToken).ConfigureAwait(false))
            {
                // The row is gone from the store: the index follows it rather than resurrect it.
                _index = _index.Without(id);
                return null;
            }
            _index = _index.With(updated);
            return updated;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private static Rejection Conflict(string id) =>
        new(ErrorCodes.CatalogConflict,
            $"a catalog entry with id '{id}' exists; choose another id, or DELETE /v1/catalog/models/{id} first to replace it",
            Retriable: false);

    private long NowMs() => _time.GetUtcNow().ToUnixTimeMilliseconds();
}
