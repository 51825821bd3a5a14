using Paykassma.Merchant.Api.Hosting;
using static Paykassma.Merchant.Api.Hosting.OpenApiExample;

namespace Paykassma.Merchant.Api.Ops;

/// <summary>The examples of the ops actions, and the reason every recorded action takes.</summary>
internal static class OpsActionExamples
{
    internal const string OpsAction = """
        {"id":42,"at":"2026-01-27T02:00:00+00:00","actor":"ops-bob","action":"payout_approve","subjectType":"payout",
         "subjectId":"0192f0b2-1a2b-7c3d-8e4f-5a6b7c8d9e0f","reason":"Called the user back","detail":null}
        """;

    internal const string ReasonRequired = """
        ,"errors":{"reason":["Required: why, in 1 to 500 characters (kept with your name)."]}
        """;

    internal const string ReasonTooLong = """
        ,"errors":{"reason":["When given: 1 to 500 characters, no NUL (kept with your name)."]}
        """;

    internal static readonly Dictionary<string, OperationExamples> Operations = new()
    {
        ["OpsListActions"] = new(null, new() { ["200"] = Page(OpsAction, 50) }),
    };
}
