namespace Paykassma.Sandbox.Postbacks;

/// <summary>One try to hand a postback to the merchant, and what came back.</summary>
/// <param name="Number">1 for the first attempt; resends and concurrent duplicate copies count on.</param>
/// <param name="StartedAt">When the request went out.</param>
/// <param name="ElapsedMilliseconds">Until the answer was read, or the attempt failed.</param>
/// <param name="StatusCode">The HTTP status, or null when no answer came (timeout, connection refused).</param>
/// <param name="Error">Why there was no usable answer; null when an answer came.</param>
/// <param name="Answer">The answer body as text, cut by <see cref="TruncateAnswer"/>.</param>
/// <param name="Ok">Whether this attempt delivered the postback (HTTP 200 and <c>{"status":"ok"}</c>).</param>
public sealed record PostbackAttempt(
    int Number,
    DateTimeOffset StartedAt,
    double ElapsedMilliseconds,
    int? StatusCode,
    string? Error,
    string? Answer,
    bool Ok)
{
    /// <summary>Enough to read what went wrong; a merchant answering with a whole error page is not kept in full.</summary>
    public const int MaxAnswerChars = 2000;

    internal static string TruncateAnswer(string answer) =>
        answer.Length <= MaxAnswerChars ? answer : string.Concat(answer.AsSpan(0, MaxAnswerChars), "…");
}
