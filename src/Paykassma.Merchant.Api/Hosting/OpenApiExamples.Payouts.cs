namespace Paykassma.Merchant.Api.Hosting;

/// <summary>The examples of the payout and money-event operations (the back office's and ops').</summary>
internal static partial class OpenApiExamples
{
    private const string Payout = """
        {"id":"0192f0b2-1a2b-7c3d-8e4f-5a6b7c8d9e0f","withdrawalId":"po_0192f0b21a2b7c3d8e4f5a6b7c8d9e0f","status":"sent",
         "label":"labeluser","amount":1020,"currency":"BTN","accountNumber":"9440377924","accountName":"Dorji Wangmo","bankDetails":null,
         "gatewayMessage":null,"withdrawalStatus":null,"settledAmount":null,"amountMismatch":false,
         "createdAt":"2026-01-27T02:00:00+00:00","updatedAt":"2026-01-27T02:00:01+00:00","sentAt":"2026-01-27T02:00:01+00:00","settledAt":null}
        """;

    /// <summary>The back office's view with the ops fields beside its own (one object, not one inside another).</summary>
    private const string OpsPayout = """
        {"id":"0192f0b2-1a2b-7c3d-8e4f-5a6b7c8d9e0f","withdrawalId":"po_0192f0b21a2b7c3d8e4f5a6b7c8d9e0f","status":"sent",
         "label":"labeluser","amount":1020,"currency":"BTN","accountNumber":"9440377924","accountName":"Dorji Wangmo","bankDetails":null,
         "gatewayMessage":null,"withdrawalStatus":null,"settledAmount":null,"amountMismatch":false,
         "createdAt":"2026-01-27T02:00:00+00:00","updatedAt":"2026-01-27T02:00:01+00:00","sentAt":"2026-01-27T02:00:01+00:00","settledAt":null,
         "createdBy":"ledger-service","paymentSystem":"sinpemovil","isTest":false,"attempts":1,"attemptLimit":300,
         "outcomeUncertain":false,"lastError":null,"nextAttemptAt":null,"staleSince":null,
         "reportedAt":null,"statusConflict":false,"conflictingStatus":null}
        """;

    private const string OpsAction = """
        {"id":42,"at":"2026-01-27T02:00:00+00:00","actor":"ops-bob","action":"payout_approve","subjectType":"payout",
         "subjectId":"0192f0b2-1a2b-7c3d-8e4f-5a6b7c8d9e0f","reason":"Called the user back","detail":null}
        """;

    private const string ReasonRequired = """
        ,"errors":{"reason":["Required: why, in 1 to 500 characters (kept with your name)."]}
        """;

    private const string ReasonTooLong = """
        ,"errors":{"reason":["When given: 1 to 500 characters, no NUL (kept with your name)."]}
        """;

    private static readonly Dictionary<string, (string? Request, Dictionary<string, string> Responses)> MoneyOutExamples = new()
    {
        ["CreatePayout"] = ("""{"label":"labeluser","amount":1020,"accountNumber":"9440377924","accountName":"Dorji Wangmo"}""", new()
        {
            ["202"] = Payout,
            ["400"] = Problem(400, "validation", "One or more validation errors occurred.",
                ""","errors":{"accountName":["Required: 1 to 30 Latin letters and spaces, not only spaces."]}"""),
            ["415"] = Problem(415, "unsupported-media-type", "JSON bodies must be UTF-8",
                ""","detail":"Send Content-Type: application/json (optionally with charset=utf-8)." """),
            ["403"] = Problem(403, "payouts-disabled", "Payouts are not enabled on this service",
                ""","detail":"Set Payouts:Enabled (and Paykassma:WithdrawalPrivateKey) to enable them." """),
            // Or account-daily-limit-reached: "This payout would pass the destination account's daily limit".
            ["422"] = Problem(422, "daily-limit-reached", "This payout would pass the label's daily limit",
                ""","detail":"At most 100000 per label per UTC day. Nothing was stored." """),
        }),
        ["GetPayout"] = (null, new()
        {
            ["200"] = Payout,
            ["404"] = Problem(404, "not-found", "Not found", ""","detail":"No payout with that id." """),
        }),
        ["OpsListPayouts"] = (null, new() { ["200"] = Page(OpsPayout, 50) }),
        ["OpsGetPayout"] = (null, new()
        {
            ["200"] = $$"""
                {"payout":{{OpsPayout}},
                 "attempts":[{"attempt":1,"outcome":"sent","gatewayMessage":null,"error":null,"outcomeUncertain":false,"at":"2026-01-27T02:00:01+00:00"}],
                 "actions":[{{OpsAction}}],"transactions":[]}
                """,
            ["404"] = Problem(404, "not-found", "Not found", ""","detail":"No payout with that id." """),
        }),
        ["OpsApprovePayout"] = ("""{"reason":"Called the user back"}""", new()
        {
            ["200"] = OpsPayout,
            ["400"] = Problem(400, "validation", "One or more validation errors occurred.", ReasonTooLong),
            ["403"] = Problem(403, "four-eyes", "You created this payout: another ops user must approve it",
                ""","detail":"Four eyes: the approver's token subject must differ from the creator's." """),
            ["404"] = Problem(404, "not-found", "Not found", ""","detail":"No payout with that id." """),
            ["409"] = Problem(409, "payout-status-conflict", "This payout cannot be approved in its status", ""","detail":"It is sent." """),
        }),
        ["OpsRejectPayout"] = ("""{"reason":"Account name does not match KYC"}""", new()
        {
            ["200"] = OpsPayout.Replace("\"status\":\"sent\"", "\"status\":\"rejected\"", StringComparison.Ordinal),
            ["400"] = Problem(400, "validation", "One or more validation errors occurred.", ReasonRequired),
            ["404"] = Problem(404, "not-found", "Not found", ""","detail":"No payout with that id." """),
            ["409"] = Problem(409, "payout-status-conflict", "This payout cannot be rejected in its status", ""","detail":"It is sent." """),
        }),
        ["OpsRetryPayout"] = ("""{"reason":"Balance topped up at the gateway"}""", new()
        {
            ["200"] = OpsPayout,
            ["400"] = Problem(400, "validation", "One or more validation errors occurred.", ReasonRequired),
            ["404"] = Problem(404, "not-found", "Not found", ""","detail":"No payout with that id." """),
            ["409"] = Problem(409, "payout-status-conflict", "This payout cannot be retried in its status", ""","detail":"It is paid." """),
        }),
        ["OpsListEvents"] = (null, new()
        {
            ["200"] = Page("""
                {"id":"0192f0c3-2b3c-7d4e-9f5a-6b7c8d9e0f1a","type":"deposit.confirmed","subjectId":"0192f0a1-7c3e-7d2a-9b1e-3f4a5b6c7d8e",
                 "status":"delivered","attempts":1,"lastError":null,"nextAttemptAt":null,"createdAt":"2026-01-27T01:32:02+00:00",
                 "deliveredAt":"2026-01-27T01:32:02+00:00","data":{"depositId":"0192f0a1-7c3e-7d2a-9b1e-3f4a5b6c7d8e","label":"labeluser",
                 "amount":300,"requestedAmount":300,"currency":"BTN","status":"confirmed","amountMismatch":false,"amountDiffers":false}}
                """, 50),
        }),
        ["OpsRedeliverEvent"] = ("""{"reason":"The ledger lost it in its own outage"}""", new()
        {
            ["400"] = Problem(400, "validation", "One or more validation errors occurred.", ReasonTooLong),
            ["404"] = Problem(404, "not-found", "No failed or delivered event with that id", ""","detail":"An event still pending is already being delivered." """),
        }),
        ["OpsListActions"] = (null, new() { ["200"] = Page(OpsAction, 50) }),
    };
}
