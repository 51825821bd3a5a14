using System.Globalization;

namespace Paykassma.Sandbox.Gateway;

/// <summary>Ids the gateway hands out, shared by the proofs it takes and the postbacks it sends.</summary>
internal static class GatewayIds
{
    private const long FirstTwelveDigitNumber = 100_000_000_000;
    private const long PastTwelveDigits = 1_000_000_000_000;

    /// <summary>A 12-digit transaction id. Random rather than sequential, like the gateway's: clients must not rely on an order.</summary>
    public static string NewTransactionId() =>
        Random.Shared.NextInt64(FirstTwelveDigitNumber, PastTwelveDigits).ToString(CultureInfo.InvariantCulture);

    public static bool IsTransactionId(string? text) => text is { Length: 12 } && text.All(char.IsAsciiDigit);
}
