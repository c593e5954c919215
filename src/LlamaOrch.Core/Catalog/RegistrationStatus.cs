namespace LlamaOrch.Core.Catalog;

public enum RegistrationStatus
{
    Created,

    /// <summary>An entry with the id exists; it is left as it was.</summary>
    Conflict,

    /// <summary>A field is invalid; nothing was written.</summary>
    Invalid,
}
