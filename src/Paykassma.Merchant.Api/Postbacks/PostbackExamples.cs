using Paykassma.Merchant.Api.Hosting;
using static Paykassma.Merchant.Api.Hosting.OpenApiExample;

namespace Paykassma.Merchant.Api.Postbacks;

/// <summary>The examples of the postback URL and of ops' postbacks and signed transactions.</summary>
internal static class PostbackExamples
{
    internal const string Postback = """
        {"signature":"c97b48a87f9b5b1fdf5412f71c2058a68080d33e","wallet_type":"bnb_ml","amount":300,"currency_code":"BTN","label":"labeluser",
         "direction":"ingoing","created_datetime":"2026-01-27 09:32:02","access_key":"uowkn0b3LfBxpcWYHi4_",
         "additional_data":[{"activated_datetime":"2026-01-27 09:32:01","exchanger_identifier":null,"comment":"","amount":"300",
         "currency_code":"BTN","wallet_type":"bnb_ml","stockpiling_id":12057,"transaction_id":"293397556789","transaction_type":0,
         "plugin_custom_order_id":"pm_0192f0a18d4f7e3b8c2f4a5b6c7d8e9f","withdrawal_id":null,"withdrawal_status":null,
         "account_number":"","account_name":"","account_email":"","bank_details":{"bank_code":"","branch_code":""}}]}
        """;

    internal const string OpsPostbackSummary = """
        {"id":"0192f0a1-9e5a-7f4c-9d3a-5b6c7d8e9fa0","receivedAt":"2026-01-27T01:32:02+00:00","outcome":"accepted","rejectReason":null,
         "verifiedWith":"current","format":"current","direction":"ingoing","amountText":"300","label":"labeluser","transactionIds":["293397556789"],
         "transactionCount":1,"newTransactionCount":1,"hasDiscrepancies":false,"bodyLength":812,"remoteIp":"203.0.113.7","reverifiedAt":null}
        """;

    internal const string OpsTransaction = """
        {"id":"0192f0a1-a06b-7a5d-8e4b-6c7d8e9fa0b1","transactionId":"293397556789","direction":"ingoing","amount":300,"amountText":"300",
         "currencyCode":"BTN","walletType":"bnb_ml","customOrderId":"pm_0192f0a18d4f7e3b8c2f4a5b6c7d8e9f",
         "proofId":"0192f0a1-8d4f-7e3b-8c2f-4a5b6c7d8e9f","depositId":"0192f0a1-7c3e-7d2a-9b1e-3f4a5b6c7d8e","payoutId":null,"matched":true,"applied":true,"unappliedReason":null,
         "amountMismatch":false,"activatedAt":"2026-01-27T09:32:01+00:00","activatedText":null,"transactionType":0,"withdrawalId":null,"withdrawalStatus":null,
         "accountNumber":"","postbackId":"0192f0a1-9e5a-7f4c-9d3a-5b6c7d8e9fa0","storedAt":"2026-01-27T01:32:02+00:00",
         "item":{"transaction_id":"293397556789","amount":"300","currency_code":"BTN","plugin_custom_order_id":"pm_0192f0a18d4f7e3b8c2f4a5b6c7d8e9f"}}
        """;

    internal static readonly Dictionary<string, OperationExamples> Operations = new()
    {
        ["ReceivePostback"] = new(Postback, new()
        {
            ["200"] = """{"status":"ok"}""",
            ["400"] = """{"status":"fail","message":"Not a postback (not_json)."}""",
            ["401"] = """{"status":"fail","message":"Postback not verified (bad_signature)."}""",
            ["413"] = """{"status":"fail","message":"The body is too large for a postback."}""",
            ["503"] = """{"status":"fail","message":"Temporarily unable to store the postback; please resend."}""",
        }),
        ["OpsListPostbacks"] = new(null, new() { ["200"] = Page(OpsPostbackSummary, 50) }),
        ["OpsGetPostback"] = new(null, new()
        {
            ["200"] = $$"""
                {"postback":{{OpsPostbackSummary}},"rejectDetail":null,"signature":"c97b48a87f9b5b1fdf5412f71c2058a68080d33e",
                 "accessKey":"uowkn0b3LfBxpcWYHi4_","bodySha256":"2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae",
                 "bodyTruncated":false,"body":"{\"signature\":\"c97b48a8…\"}","bodyBase64":"eyJzaWduYXR1cmUiOiJjOTdiNDhhOOKApiJ9",
                 "discrepancies":null,"transactions":[{{OpsTransaction}}],
                 "actions":[{"id":43,"at":"2026-01-27T04:00:00+00:00","actor":"ops-bob","action":"postback_reverify","subjectType":"postback",
                 "subjectId":"0192f0a1-9e5a-7f4c-9d3a-5b6c7d8e9fa0","reason":null,"detail":{"verifiedWith":"current"} }],
                 "repeats":{"count":3,"firstAt":"2026-01-27T04:05:00+00:00","lastAt":"2026-01-27T05:05:00+00:00","lastRemoteIp":"203.0.113.7",
                 "discrepantRepeats":0,"lastDiscrepancies":null} }
                """,
            ["404"] = Problem(Problems.NoSuchId, ""","detail":"No postback with that id." """),
        }),
        ["OpsListTransactions"] = new(null, new() { ["200"] = Page(OpsTransaction, 50) }),
        ["OpsReverifyPostback"] = new("""{"reason":"Private key corrected in the 14:00 deploy"}""", new()
        {
            ["200"] = """{"postbackId":"0192f0a1-9e5a-7f4c-9d3a-5b6c7d8e9fa0","outcome":"accepted","rejectReason":null}""",
            ["400"] = Problem(Problems.Invalid,
                ""","errors":{"reason":["When given: 1 to 500 characters, no NUL (kept with your name)."]}"""),
            ["404"] = Problem(Problems.NoSuchId, ""","detail":"No postback with that id." """),
            ["409"] = Problem(PostbackProblems.NotRejected,
                ""","detail":"Its outcome is Applied." """),
            ["422"] = Problem(PostbackProblems.StillRejected,
                ""","detail":"Reason: bad_signature.","reason":"bad_signature" """),
        }),
    };
}
