using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Primitives;
using Paykassma.Sandbox.Gateway;

namespace Paykassma.Sandbox.Window;

/// <summary>
/// The payment window's query parameters (docs/gateway-protocol.md, the payment window), checked as
/// the gateway would have to: the same rules for the page and for its "I have paid" form, which
/// carries them back as hidden fields and is not trusted any more than the URL.
/// </summary>
internal sealed partial record WindowRequest
{
    public const string Label = "label";
    public const string CurrencyCode = "currency_code";
    public const string Lang = "lang";
    public const string WalletType = "wallet_type";
    public const string CustomTransactionId = "custom_transaction_id";
    public const string FixedAmount = "fixed_amount";
    public const string SuccessId = "payment_url_success_id";
    public const string FailId = "payment_url_fail_id";
    public const string PendingId = "payment_url_pending_id";

    /// <summary>What the user typed on a window without a fixed amount (the form only).</summary>
    public const string Amount = "amount";

    /// <summary>Every parameter the window knows, in the order of the gateway's pages; others are ignored (e.g. a cache-buster).</summary>
    public static readonly string[] Names = [Label, CurrencyCode, Lang, WalletType, CustomTransactionId, FixedAmount, SuccessId, FailId, PendingId];

    /// <summary>The gateway's amounts are whole numbers up to 10^14; a fixed amount may carry a zero fraction (<c>300.00</c>).</summary>
    private const long MaxAmount = 100_000_000_000_000;

    /// <summary>The known parameters as received (only those sent), to carry into the form.</summary>
    public required IReadOnlyList<KeyValuePair<string, string>> Parameters { get; init; }

    public required string LabelValue { get; init; }

    public required string CustomTransactionIdValue { get; init; }

    public required string LangValue { get; init; }

    /// <summary>The whole amount the window fixes, if it does.</summary>
    public long? Fixed { get; init; }

    public string? SuccessIdValue { get; init; }

    /// <summary>Reads and checks the parameters; every problem is reported, each naming its field.</summary>
    public static (WindowRequest? Request, List<string> Problems) Read(
        IEnumerable<KeyValuePair<string, StringValues>> received, SandboxOptions options)
    {
        var problems = new List<string>();
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in received)
        {
            if (!Names.Contains(name, StringComparer.Ordinal))
            {
                continue;
            }
            if (value.Count != 1)
            {
                problems.Add($"{name} is sent more than once");
                continue;
            }
            values[name] = value[0] ?? "";
        }

        string? Value(string name) => values.GetValueOrDefault(name);
        problems.AddRange(new[]
        {
            FieldRules.CheckText(Label, Value(Label), FieldRules.MaxTextLength),
            FieldRules.CheckExactly(CurrencyCode, Value(CurrencyCode), 3, options.Currency),
            Value(Lang) is { } lang && !LangRule().IsMatch(lang) ? $"{Lang} must be 2 to 5 letters or hyphens, a letter first (en)" : null,
            FieldRules.CheckExactly(WalletType, Value(WalletType), FieldRules.MaxTextLength, options.WalletType),
            FieldRules.CheckText(CustomTransactionId, Value(CustomTransactionId), FieldRules.MaxTextLength),
            Value(FixedAmount) is { } amount && ParseFixedAmount(amount) is null
                ? $"{FixedAmount} must be a whole amount from 1 to {MaxAmount}, optionally with a zero fraction (300 or 300.00)"
                : null,
        }.OfType<string>());
        problems.AddRange(new[] { SuccessId, FailId, PendingId }
            .Where(name => Value(name) is { } id && !IdRule().IsMatch(id))
            .Select(name => $"{name} must be digits"));
        if (problems.Count > 0)
        {
            return (null, problems);
        }

        return (new WindowRequest
        {
            Parameters = Names.Where(values.ContainsKey).Select(name => KeyValuePair.Create(name, values[name])).ToList(),
            LabelValue = values[Label],
            CustomTransactionIdValue = values[CustomTransactionId],
            LangValue = Value(Lang) ?? "en",
            Fixed = Value(FixedAmount) is { } fixedAmount ? ParseFixedAmount(fixedAmount) : null,
            SuccessIdValue = Value(SuccessId),
        }, problems);
    }

    /// <summary>What the user typed as the amount paid (a window without a fixed amount).</summary>
    public static long? ParseTypedAmount(string? typed) =>
        typed is not null && AmountRule().IsMatch(typed) && long.TryParse(typed, NumberStyles.None, CultureInfo.InvariantCulture, out var amount)
        && amount is > 0 and <= MaxAmount
            ? amount
            : null;

    private static long? ParseFixedAmount(string text)
    {
        var match = FixedAmountRule().Match(text);
        return match.Success ? ParseTypedAmount(match.Groups[1].Value) : null;
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z-]{1,4}$")]
    private static partial Regex LangRule();

    [GeneratedRegex("^[0-9]{1,20}$")]
    private static partial Regex IdRule();

    [GeneratedRegex("^[0-9]{1,15}$")]
    private static partial Regex AmountRule();

    [GeneratedRegex(@"^([0-9]{1,15})(?:\.0{1,2})?$")]
    private static partial Regex FixedAmountRule();
}
