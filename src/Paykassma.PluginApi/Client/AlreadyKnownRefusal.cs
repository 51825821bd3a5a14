using System.Text.RegularExpressions;

namespace Paykassma.PluginApi.Client;

/// <summary>
/// A gateway rule: after an attempt whose answer we never saw, the gateway may refuse the next attempt
/// because it already has our id. Then the earlier attempt got through, and the item is delivered, not
/// refused. A refusal means that only when it names our id field and says one of the configured
/// phrases; "already used" alone may be about something else (a bank transaction number), which is a
/// real refusal.
/// </summary>
public static partial class AlreadyKnownRefusal
{
    /// <summary>The gateway already has the proof with our <c>custom_transaction_id</c>.</summary>
    public static bool ForProof(string? message, IEnumerable<string> phrases) => Means(message, NamesCustomTransactionId(), phrases);

    /// <summary>The gateway already has the withdrawal with our <c>withdrawal_id</c>.</summary>
    public static bool ForWithdrawal(string? message, IEnumerable<string> phrases) => Means(message, NamesWithdrawalId(), phrases);

    private static bool Means(string? message, Regex namesId, IEnumerable<string> phrases) =>
        message is not null
        && namesId.IsMatch(message)
        && phrases.Any(phrase => message.Contains(phrase, StringComparison.OrdinalIgnoreCase));

    [GeneratedRegex(@"custom[\s_-]*transaction[\s_-]*id", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex NamesCustomTransactionId();

    [GeneratedRegex(@"withdrawal[\s_-]*id", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex NamesWithdrawalId();
}
