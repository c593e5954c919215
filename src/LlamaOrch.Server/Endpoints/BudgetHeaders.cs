using System.Globalization;
using LlamaOrch.Core.Budgets;

namespace LlamaOrch.Server.Endpoints;

/// <summary>
/// <c>X-Budget-Tokens-Remaining</c>, <c>X-Budget-Time-Remaining-Ms</c> and <c>X-Budget-Cost-Remaining</c>, on the 202 and
/// the stream response of a task whose session has budgets: what is left now, less what its running tasks hold. A
/// budget that is unlimited has no header.
/// </summary>
internal static class BudgetHeaders
{
    public static void Write(IHeaderDictionary headers, SessionBudget budget)
    {
        var left = budget.Remaining();
        if (left.Tokens is { } tokens) headers["X-Budget-Tokens-Remaining"] = tokens.ToString(CultureInfo.InvariantCulture);
        if (left.TimeMs is { } timeMs) headers["X-Budget-Time-Remaining-Ms"] = timeMs.ToString(CultureInfo.InvariantCulture);
        if (left.Cost is { } cost) headers["X-Budget-Cost-Remaining"] = cost.ToString(CultureInfo.InvariantCulture);
    }
}
