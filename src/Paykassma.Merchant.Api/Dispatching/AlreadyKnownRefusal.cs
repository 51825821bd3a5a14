using System.Text.RegularExpressions;

namespace Paykassma.Merchant.Api.Dispatching;

/// <summary>
/// After an attempt whose answer we never saw, the gateway may refuse the next attempt because it
/// already has our id: then the earlier attempt got through, and the item is delivered, not refused.
/// A refusal means that only when it names our id field (<c>namesId</c>) and says one of
/// the configured phrases; "already used" alone may be about something else (a bank transaction
/// number), which is a real refusal.
/// </summary>
public static class AlreadyKnownRefusal
{
    public static bool Means(string? message, Regex namesId, IEnumerable<string> phrases) =>
        message is not null
        && namesId.IsMatch(message)
        && phrases.Any(phrase => message.Contains(phrase, StringComparison.OrdinalIgnoreCase));
}
