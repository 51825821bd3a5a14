namespace Paykassma.Merchant.Api.Auth;

/// <summary>
/// Who is acting, from the token's <c>sub</c> claim: the back office that creates a payout, the ops
/// user who approves it. Four eyes compares these, so they are never a request field. Null (the
/// handler answers 403) when the token carries no subject.
/// </summary>
public sealed record Actor(string Subject)
{
    public const string SubjectClaim = "sub";

    public const int MaxLength = 255;

    public static ValueTask<Actor?> BindAsync(HttpContext http) =>
        ValueTask.FromResult(http.User.FindFirst(SubjectClaim)?.Value is { Length: > 0 and <= MaxLength } subject
                             && !subject.Any(char.IsControl)
            ? new Actor(subject)
            : null);

    public static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult Missing() =>
        Hosting.Problems.Result(StatusCodes.Status403Forbidden, Hosting.Problems.NoSubject,
            "The token names no subject", $"Payouts and ops actions are recorded by who made them: the token needs a '{SubjectClaim}' claim of 1 to {MaxLength} characters.");
}
