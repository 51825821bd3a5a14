using Paykassma.Merchant.Api.Hosting;
using static Paykassma.Merchant.Api.Hosting.OpenApiExample;

namespace Paykassma.Merchant.Api.Attention;

/// <summary>The examples of the attention list and its seen mark.</summary>
internal static class AttentionExamples
{
    internal const string AttentionEntry = """
        {"kind":"payout_refused","subjectType":"payout","subjectId":"0192f0b2-1a2b-7c3d-8e4f-5a6b7c8d9e0f","since":"2026-01-27T02:00:01+00:00",
         "amount":1020,"currency":"BTN",
         "reason":"The gateway refused payout po_0192f0b21a2b7c3d8e4f5a6b7c8d9e0f (1020 BTN to labeluser): withdrawals_sum_amount: Insufficient balance",
         "resolve":[{"method":"POST","path":"/api/ops/payouts/0192f0b2-1a2b-7c3d-8e4f-5a6b7c8d9e0f/retry",
                     "what":"After fixing the cause (the gateway balance, the account details): sends it again under the same withdrawalId.",
                     "body":"{\"reason\": \"why\"}"},
                    {"method":"POST","path":"/api/ops/attention/payout_refused/0192f0b2-1a2b-7c3d-8e4f-5a6b7c8d9e0f/seen",
                     "what":"If it will not be paid: settle the user's balance with the back office, then record it.",
                     "body":"{\"note\": \"what you did or found\"}"}],
         "seen":null}
        """;

    internal static readonly Dictionary<string, OperationExamples> Operations = new()
    {
        ["OpsListAttention"] = new(null, new()
        {
            ["200"] = $$"""
                {"items":[{{AttentionEntry}}],"page":1,"pageSize":50,"total":1,
                 "byKind":[{"kind":"proof_unconfirmed","count":0},{"kind":"payout_refused","count":1}]}
                """,
            ["400"] = Problem(Problems.Invalid,
                ""","errors":{"kind":["One of: proof_unconfirmed, proof_queued, proof_failed, …"]}"""),
        }),
        ["OpsMarkAttentionSeen"] = new("""{"note":"Back office credits the user back; the gateway balance is topped up tomorrow"}""", new()
        {
            ["400"] = Problem(Problems.Invalid,
                ""","errors":{"note":["Required: why, in 1 to 500 characters (kept with your name)."]}"""),
            ["404"] = Problem(AttentionProblems.NoUnseenEntry,
                ""","detail":"It is settled, not yet due, already marked seen (GET /api/ops/attention?seen=true), or the id is another kind's." """),
        }),
    };
}
