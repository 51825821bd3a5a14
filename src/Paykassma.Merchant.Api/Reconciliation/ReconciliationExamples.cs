using System.Text.Json.Nodes;
using Paykassma.Merchant.Api.Hosting;
using static Paykassma.Merchant.Api.Hosting.OpenApiExample;

namespace Paykassma.Merchant.Api.Reconciliation;

/// <summary>The examples of the daily reconciliation: the same day as JSON and as CSV.</summary>
internal static class ReconciliationExamples
{
    internal const string ReconciliationDay = """
        {"date":"2026-01-27","startsAt":"2026-01-26T16:00:00+00:00","endsAt":"2026-01-27T16:00:00+00:00",
         "currencies":[{"currency":"BTN",
           "signed":{"depositsConfirmed":{"count":3,"total":850},"payoutsPaid":{"count":1,"total":1020},"payoutsCancelled":{"count":0,"total":0}},
           "depositsAmountDiffers":{"count":1,"askedTotal":300,"paidTotal":250},
           "notSigned":{"payoutsRefused":{"count":0,"total":0},"payoutsPending":{"count":2,"total":3500}}}],
         "unapplied":[{"reason":"no_matching_proof","currency":"BTN","count":1,"total":500}],
         "undeliveredEvents":[{"type":"payout.paid","count":1}]}
        """;

    internal static readonly Dictionary<string, OperationExamples> Operations = new()
    {
        ["OpsReconciliation"] = new(null, new()
        {
            ["200"] = $$"""{"from":"2026-01-27","to":"2026-01-27","timeZone":"+08:00","generatedAt":"2026-01-28T01:00:00+00:00","days":[{{ReconciliationDay}}]}""",
            ["400"] = Problem(Problems.Invalid,
                ""","errors":{"to":["At most 92 days per report (from and to inclusive); ask for the rest in another."]}"""),
        }),
    };

    /// <summary>Examples of answers that are not JSON, by operation, status and media type: written as the text they are.</summary>
    private static readonly Dictionary<(string Operation, string Status, string MediaType), string> TextExamples = new()
    {
        [("OpsReconciliation", "200", "text/csv")] =
            "date,currency,measure,detail,signed,count,amount\r\n" +
            "2026-01-27,BTN,deposits_confirmed,,yes,3,850.00\r\n" +
            "2026-01-27,BTN,deposits_amount_differs_asked,,no,1,300.00\r\n" +
            "2026-01-27,BTN,deposits_amount_differs_paid,,yes,1,250.00\r\n" +
            "2026-01-27,BTN,payouts_paid,,yes,1,1020.00\r\n" +
            "2026-01-27,BTN,payouts_cancelled,,yes,0,0.00\r\n" +
            "2026-01-27,BTN,payouts_refused,,no,0,0.00\r\n" +
            "2026-01-27,BTN,payouts_pending,,no,2,3500.00\r\n" +
            "2026-01-27,BTN,unapplied,no_matching_proof,yes,1,500.00\r\n" +
            "2026-01-27,,events_undelivered,payout.paid,no,1,\r\n",
    };

    /// <summary>The text example of a non-JSON answer, as a JSON string for the document; null when there is none.</summary>
    public static JsonNode? Text(string? operationId, string status, string mediaType) =>
        TextExamples.TryGetValue((operationId ?? "", status, mediaType), out var text) ? JsonValue.Create(text) : null;
}
