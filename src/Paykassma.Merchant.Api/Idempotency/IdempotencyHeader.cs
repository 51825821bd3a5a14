namespace Paykassma.Merchant.Api.Idempotency;

/// <summary>
/// The <c>Idempotency-Key</c> request header and the <c>Idempotent-Replayed</c> answer header: one set
/// of rules and problem answers for every endpoint that takes a key (deposits, proofs, and payouts next).
/// Endpoints bind the key with <c>[FromHeader(Name = IdempotencyHeader.Name)]</c>.
/// </summary>
public static class IdempotencyHeader
{
    public const string Name = "Idempotency-Key";

    /// <summary>Set to <c>true</c> on an answer that repeats the first request's outcome.</summary>
    public const string ReplayedName = "Idempotent-Replayed";

    public const int MaxLength = 255;

    /// <summary>Visible ASCII only, as <see cref="IsValid"/> checks it (the OpenAPI document states this pattern).</summary>
    public const string Pattern = "^[!-~]+$";

    /// <summary>Adds the header's error to <paramref name="errors"/> when it was sent malformed.</summary>
    public static void Validate(HttpRequest request, string? boundKey, IDictionary<string, string[]> errors)
    {
        // A header sent empty binds as null; it is still a malformed key, not "no key".
        if (request.Headers.ContainsKey(Name) && !IsValid(boundKey ?? ""))
        {
            errors[Name] = [$"Use 1 to {MaxLength} visible ASCII characters."];
        }
    }

    public static bool IsValid(string key) =>
        key.Length is > 0 and <= MaxLength && key.All(c => c is >= '!' and <= '~');

    public static void MarkReplayed(HttpResponse response) => response.Headers[ReplayedName] = "true";
}
