using Paykassma.Merchant.Api.Hosting;
using Paykassma.Merchant.Api.Ops;
using static Paykassma.Merchant.Api.Hosting.OpenApiExample;

namespace Paykassma.Merchant.Api.Events;

/// <summary>The examples of ops' money events (the outbox).</summary>
internal static class EventExamples
{
    internal static readonly Dictionary<string, OperationExamples> Operations = new()
    {
        ["OpsListEvents"] = new(null, new()
        {
            ["200"] = Page("""
                {"id":"0192f0c3-2b3c-7d4e-9f5a-6b7c8d9e0f1a","type":"deposit.confirmed","subjectId":"0192f0a1-7c3e-7d2a-9b1e-3f4a5b6c7d8e",
                 "status":"delivered","attempts":1,"lastError":null,"nextAttemptAt":null,"createdAt":"2026-01-27T01:32:02+00:00",
                 "deliveredAt":"2026-01-27T01:32:02+00:00","data":{"depositId":"0192f0a1-7c3e-7d2a-9b1e-3f4a5b6c7d8e","label":"labeluser",
                 "amount":300,"requestedAmount":300,"currency":"BTN","status":"confirmed","amountMismatch":false,"amountDiffers":false}}
                """, 50),
        }),
        ["OpsRedeliverEvent"] = new("""{"reason":"The ledger lost it in its own outage"}""", new()
        {
            ["400"] = Problem(Problems.Invalid, OpsActionExamples.ReasonTooLong),
            ["404"] = Problem(EventProblems.NotRedeliverable, ""","detail":"An event still pending is already being delivered." """),
        }),
    };
}
