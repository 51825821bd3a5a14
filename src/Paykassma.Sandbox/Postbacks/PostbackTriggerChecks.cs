using System.Globalization;
using Paykassma.PluginApi;
using Paykassma.Sandbox.Gateway;

namespace Paykassma.Sandbox.Postbacks;

/// <summary>
/// The value checks that several trigger kinds share. Each problem is kept under its field's name and
/// checking goes on, so one 400 names every field to fix.
/// </summary>
internal sealed class PostbackTriggerChecks(GatewayTimeZone clock, TimeProvider time, PostbackWireEncoding defaultEncoding)
{
    /// <summary>
    /// Far beyond any payment, yet ten times it (the default tampering) stays exact in a JavaScript
    /// number, so any client can show what was sent.
    /// </summary>
    public const long MaxAmount = 100_000_000_000_000;

    public Dictionary<string, string[]> Errors { get; } = [];

    public bool Failed => Errors.Count > 0;

    public void Add(string field, string problem) => Errors[field] = [problem];

    /// <summary>JSON may carry "\ud800", which no UTF-8 (and so no PHP postback) can hold; refused here, not a 500 later.</summary>
    public void ValidUnicode(IEnumerable<(string Name, string Value)> textFields)
    {
        foreach (var (field, _) in textFields.Where(text => FieldRules.HasLoneSurrogate(text.Value)))
        {
            Add(field, $"{field} must be valid Unicode (it has a lone surrogate escape)");
        }
    }

    public long Amount(long? amount, string whyRequired)
    {
        switch (amount)
        {
            case null:
                Add("amount", $"amount is required {whyRequired}".TrimEnd());
                return 0;
            case <= 0:
                Add("amount", "amount must be greater than 0");
                return 0;
            case > MaxAmount:
                Add("amount", $"amount must be at most {MaxAmount}");
                return 0;
            default:
                return amount.Value;
        }
    }

    public string? Label(string? label, string whyRequired)
    {
        var problem = label is null
            ? $"label is required {whyRequired}".TrimEnd()
            : FieldRules.CheckText("label", label, FieldRules.MaxTextLength);
        if (problem is not null)
        {
            Add("label", problem);
        }

        return label;
    }

    /// <summary>The one given, or a new random one as the gateway would assign.</summary>
    public string TransactionId(string? transactionId)
    {
        if (transactionId is null)
        {
            return GatewayIds.NewTransactionId();
        }

        if (!GatewayIds.IsTransactionId(transactionId))
        {
            Add("transactionId", "transactionId must be exactly 12 digits (0-9)");
        }

        return transactionId;
    }

    public PostbackWireEncoding Encoding(string? text)
    {
        if (text is null)
        {
            return defaultEncoding;
        }

        if (!PostbackWireEncodings.TryParse(text, out var encoding))
        {
            Add("encoding", $"encoding must be one of: {PostbackWireEncodings.Names}");
        }

        return encoding;
    }

    /// <summary>
    /// Gateway text (<c>2026-01-27 09:32:01</c>, taken as it is) or an instant with an offset, written in the
    /// account's zone. Default: when the proof came in, else now.
    /// </summary>
    public string ActivatedAt(string? text, DateTimeOffset? proofReceivedAt)
    {
        if (text is null)
        {
            return clock.ToGatewayText(proofReceivedAt ?? time.GetUtcNow());
        }

        if (DateTime.TryParseExact(text, GatewayTimeZone.DateTimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            return text;
        }

        if (text.Contains('T', StringComparison.Ordinal)
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var instant)
            && (text.EndsWith('Z') || text.LastIndexOfAny(['+', '-']) > text.IndexOf('T', StringComparison.Ordinal)))
        {
            return clock.ToGatewayText(instant);
        }

        Add("activatedAt", $"activatedAt must be '{GatewayTimeZone.DateTimeFormat}' (in Sandbox:TimeZone) or an ISO 8601 instant with an offset, e.g. 2026-01-27T01:32:01Z");
        return "";
    }
}
