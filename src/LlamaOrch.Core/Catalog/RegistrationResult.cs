using LlamaOrch.Core.Admission;

namespace LlamaOrch.Core.Catalog;

/// <summary>What <see cref="ModelCatalog.RegisterAsync"/> did.</summary>
/// <param name="Model">The new entry (<see cref="RegistrationStatus.Created"/>) or the existing one
/// (<see cref="RegistrationStatus.Conflict"/>); null when invalid.</param>
/// <param name="Rejection">Null when created; the field-named <c>INVALID_PARAMS</c> refusal when invalid;
/// <c>CATALOG_CONFLICT</c> on a conflict.</param>
public sealed record RegistrationResult(RegistrationStatus Status, CatalogModel? Model, Rejection? Rejection);
