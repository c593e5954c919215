namespace LlamaOrch.Bdd.Runner;

/// <summary>A step's data table: the first row names the columns, the rest are the rows.</summary>
internal sealed class StepTable(IReadOnlyList<IReadOnlyList<string>> rows)
{
    public IReadOnlyList<IReadOnlyList<string>> Rows { get; } = rows;

    public IReadOnlyList<string> Header => Rows.Count > 0 ? Rows[0] : [];

    /// <summary>The rows after the header, each as column name → cell.</summary>
    public IEnumerable<IReadOnlyDictionary<string, string>> Records =>
        Rows.Skip(1).Select(row => (IReadOnlyDictionary<string, string>)Header.Zip(row).ToDictionary(p => p.First, p => p.Second));
}
