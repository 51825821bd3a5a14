using Paykassma.Merchant.Api.Hosting;
using Paykassma.Merchant.Api.Ops;
using static Paykassma.Merchant.Api.Hosting.OpenApiExample;

namespace Paykassma.Merchant.Api.Payouts;

/// <summary>The examples of the payout operations, the back office's and ops'.</summary>
internal static class PayoutExamples
{
    internal const string Payout = """
        {"id":"0192f0b2-1a2b-7c3d-8e4f-5a6b7c8d9e0f","withdrawalId":"po_0192f0b21a2b7c3d8e4f5a6b7c8d9e0f","status":"sent",
         "label":"labeluser","amount":1020,"currency":"BTN","accountNumber":"9440377924","accountName":"Dorji Wangmo","bankDetails":null,
         "gatewayMessage":null,"withdrawalStatus":null,"settledAmount":null,"amountMismatch":false,
         "createdAt":"2026-01-27T02:00:00+00:00","updatedAt":"2026-01-27T02:00:01+00:00","sentAt":"2026-01-27T02:00:01+00:00","settledAt":null}
        """;

    /// <summary>The back office's view with the ops fields beside its own (one object, not one inside another).</summary>
    internal const string OpsPayout = """
        {"id":"0192f0b2-1a2b-7c3d-8e4f-5a6b7c8d9e0f","withdrawalId":"po_0192f0b21a2b7c3d8e4f5a6b7c8d9e0f","status":"sent",
         "label":"labeluser","amount":1020,"currency":"BTN","accountNumber":"9440377924","accountName":"Dorji Wangmo","bankDetails":null,
         "gatewayMessage":null,"withdrawalStatus":null,"settledAmount":null,"amountMismatch":false,
         "createdAt":"2026-01-27T02:00:00+00:00","updatedAt":"2026-01-27T02:00:01+00:00","sentAt":"2026-01-27T02:00:01+00:00","settledAt":null,
         "createdBy":"ledger-service","paymentSystem":"sinpemovil","isTest":false,"attempts":1,"attemptLimit":300,
         "outcomeUncertain":false,"lastError":null,"nextAttemptAt":null,"staleSince":null,
         "reportedAt":null,"statusConflict":false,"conflictingStatus":null}
        """;

    internal static readonly Dictionary<string, OperationExamples> Operations = new()
    {
        ["CreatePayout"] = new("""{"label":"labeluser","amount":1020,"accountNumber":"9440377924","accountName":"Dorji Wangmo"}""", new()
        {
            ["202"] = Payout,
            ["400"] = Problem(Problems.Invalid,
                ""","errors":{"accountName":["Required: 1 to 30 Latin letters and spaces, not only spaces."]}"""),
            ["415"] = Problem(Problems.JsonNotUtf8,
                ""","detail":"Send Content-Type: application/json (optionally with charset=utf-8)." """),
            ["403"] = Problem(PayoutProblems.Disabled,
                ""","detail":"Set Payouts:Enabled (and Paykassma:WithdrawalPrivateKey) to enable them." """),
            // Or account-daily-limit-reached: "This payout would pass the destination account's daily limit".
            ["422"] = Problem(PayoutProblems.LabelDailyLimit,
                ""","detail":"At most 100000 per label per UTC day. Nothing was stored." """),
        }),
        ["GetPayout"] = new(null, new()
        {
            ["200"] = Payout,
            ["404"] = Problem(Problems.NoSuchId, ""","detail":"No payout with that id." """),
        }),
        ["OpsListPayouts"] = new(null, new() { ["200"] = Page(OpsPayout, 50) }),
        ["OpsGetPayout"] = new(null, new()
        {
            ["200"] = $$"""
                {"payout":{{OpsPayout}},
                 "attempts":[{"attempt":1,"outcome":"sent","gatewayMessage":null,"error":null,"outcomeUncertain":false,"at":"2026-01-27T02:00:01+00:00"}],
                 "actions":[{{OpsActionExamples.OpsAction}}],"transactions":[]}
                """,
            ["404"] = Problem(Problems.NoSuchId, ""","detail":"No payout with that id." """),
        }),
        ["OpsApprovePayout"] = new("""{"reason":"Called the user back"}""", new()
        {
            ["200"] = OpsPayout,
            ["400"] = Problem(Problems.Invalid, OpsActionExamples.ReasonTooLong),
            ["403"] = Problem(PayoutProblems.FourEyes,
                ""","detail":"Four eyes: the approver's token subject must differ from the creator's." """),
            ["404"] = Problem(Problems.NoSuchId, ""","detail":"No payout with that id." """),
            ["409"] = Problem(PayoutProblems.StatusConflict("approved"), ""","detail":"It is sent." """),
        }),
        ["OpsRejectPayout"] = new("""{"reason":"Account name does not match KYC"}""", new()
        {
            ["200"] = OpsPayout.Replace("\"status\":\"sent\"", "\"status\":\"rejected\"", StringComparison.Ordinal),
            ["400"] = Problem(Problems.Invalid, OpsActionExamples.ReasonRequired),
            ["404"] = Problem(Problems.NoSuchId, ""","detail":"No payout with that id." """),
            ["409"] = Problem(PayoutProblems.StatusConflict("rejected"), ""","detail":"It is sent." """),
        }),
        ["OpsRetryPayout"] = new("""{"reason":"Balance topped up at the gateway"}""", new()
        {
            ["200"] = OpsPayout,
            ["400"] = Problem(Problems.Invalid, OpsActionExamples.ReasonRequired),
            ["404"] = Problem(Problems.NoSuchId, ""","detail":"No payout with that id." """),
            ["409"] = Problem(PayoutProblems.StatusConflict("retried"), ""","detail":"It is paid." """),
        }),
    };
}
