using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Paykassma.Merchant.Api.Hosting;

/// <summary>
/// Examples in the OpenAPI document, so Swagger UI shows what a call and its answers look like
/// (and "Try it out" starts from a sensible body). Keyed by operation id and status code.
/// </summary>
internal static partial class OpenApiExamples
{
    private const string Deposit = """
        {"id":"0192f0a1-7c3e-7d2a-9b1e-3f4a5b6c7d8e","status":"awaiting_payment","amount":300,"currency":"BTN","walletType":"bnb_ml",
         "requisites":{"walletNumber":"200100300400","accountName":"Druk Merchant Pvt","isCheckAmount":null,"otherParams":{"Bank name":"Bank of Bhutan"}},
         "confirmedAmount":null,"amountMismatch":false,"amountDiffers":false,"createdAt":"2026-01-27T01:30:00+00:00","updatedAt":"2026-01-27T01:30:00+00:00",
         "confirmedAt":null,"expiredAt":null,"confirmedAfterExpiry":false,"proofs":[]}
        """;

    private const string WindowDeposit = """
        {"deposit":{"id":"0192f0a1-7c3e-7d2a-9b1e-3f4a5b6c7d8e","status":"awaiting_payment","amount":300,"currency":"BTN","walletType":"bnb_ml",
         "requisites":{"walletNumber":null,"accountName":null,"isCheckAmount":null,"otherParams":{}},
         "confirmedAmount":null,"amountMismatch":false,"amountDiffers":false,"createdAt":"2026-01-27T01:30:00+00:00","updatedAt":"2026-01-27T01:30:00+00:00",
         "confirmedAt":null,"expiredAt":null,"confirmedAfterExpiry":false,"proofs":[]},
         "windowUrl":"https://plugin.example-gateway.com/?label=labeluser&currency_code=BTN&lang=en&wallet_type=bnb_ml&custom_transaction_id=pw_0192f0a17c3e7d2a9b1e3f4a5b6c7d8e&fixed_amount=300.00&payment_url_success_id=4&payment_url_fail_id=3"}
        """;

    private const string Proof = """
        {"id":"0192f0a1-8d4f-7e3b-8c2f-4a5b6c7d8e9f","depositId":"0192f0a1-7c3e-7d2a-9b1e-3f4a5b6c7d8e","status":"forwarded",
         "transactionNumber":"293397556789","amount":300,"customTransactionId":"pm_0192f0a18d4f7e3b8c2f4a5b6c7d8e9f",
         "gatewayMessage":"","createdAt":"2026-01-27T01:31:00+00:00","forwardedAt":"2026-01-27T01:31:01+00:00"}
        """;

    private const string Postback = """
        {"signature":"c97b48a87f9b5b1fdf5412f71c2058a68080d33e","wallet_type":"bnb_ml","amount":300,"currency_code":"BTN","label":"labeluser",
         "direction":"ingoing","created_datetime":"2026-01-27 09:32:02","access_key":"uowkn0b3LfBxpcWYHi4_",
         "additional_data":[{"activated_datetime":"2026-01-27 09:32:01","exchanger_identifier":null,"comment":"","amount":"300",
         "currency_code":"BTN","wallet_type":"bnb_ml","stockpiling_id":12057,"transaction_id":"293397556789","transaction_type":0,
         "plugin_custom_order_id":"pm_0192f0a18d4f7e3b8c2f4a5b6c7d8e9f","withdrawal_id":null,"withdrawal_status":null,
         "account_number":"","account_name":"","account_email":"","bank_details":{"bank_code":"","branch_code":""}}]}
        """;

    private const string OpsDeposit = """
        {"id":"0192f0a1-7c3e-7d2a-9b1e-3f4a5b6c7d8e","label":"labeluser","status":"confirmed","amount":300,"confirmedAmount":300,
         "amountMismatch":false,"amountDiffers":false,"confirmedAfterExpiry":false,"currency":"BTN","walletNumber":"200100300400",
         "createdAt":"2026-01-27T01:30:00+00:00","updatedAt":"2026-01-27T01:32:02+00:00","confirmedAt":"2026-01-27T01:32:02+00:00","expiredAt":null}
        """;

    private const string OpsProof = """
        {"id":"0192f0a1-8d4f-7e3b-8c2f-4a5b6c7d8e9f","depositId":"0192f0a1-7c3e-7d2a-9b1e-3f4a5b6c7d8e","label":"labeluser","status":"forwarded",
         "transactionNumber":"293397556789","amount":300,"customTransactionId":"pm_0192f0a18d4f7e3b8c2f4a5b6c7d8e9f","gatewayMessage":"",
         "attempts":1,"attemptLimit":300,"outcomeUncertain":false,"lastError":null,"nextAttemptAt":null,"screenshotFileName":"receipt.png",
         "screenshotContentType":"image/png","screenshotSize":48213,"screenshotSha256":"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
         "createdAt":"2026-01-27T01:31:00+00:00","updatedAt":"2026-01-27T01:31:01+00:00","forwardedAt":"2026-01-27T01:31:01+00:00"}
        """;

    private const string OpsPostbackSummary = """
        {"id":"0192f0a1-9e5a-7f4c-9d3a-5b6c7d8e9fa0","receivedAt":"2026-01-27T01:32:02+00:00","outcome":"accepted","rejectReason":null,
         "verifiedWith":"current","format":"current","direction":"ingoing","amountText":"300","label":"labeluser","transactionIds":["293397556789"],
         "transactionCount":1,"newTransactionCount":1,"hasDiscrepancies":false,"bodyLength":812,"remoteIp":"203.0.113.7","reverifiedAt":null}
        """;

    private const string OpsTransaction = """
        {"id":"0192f0a1-a06b-7a5d-8e4b-6c7d8e9fa0b1","transactionId":"293397556789","direction":"ingoing","amount":300,"amountText":"300",
         "currencyCode":"BTN","walletType":"bnb_ml","customOrderId":"pm_0192f0a18d4f7e3b8c2f4a5b6c7d8e9f",
         "proofId":"0192f0a1-8d4f-7e3b-8c2f-4a5b6c7d8e9f","depositId":"0192f0a1-7c3e-7d2a-9b1e-3f4a5b6c7d8e","payoutId":null,"matched":true,"applied":true,"unappliedReason":null,
         "amountMismatch":false,"activatedAt":"2026-01-27T09:32:01+00:00","activatedText":null,"transactionType":0,"withdrawalId":null,"withdrawalStatus":null,
         "accountNumber":"","postbackId":"0192f0a1-9e5a-7f4c-9d3a-5b6c7d8e9fa0","storedAt":"2026-01-27T01:32:02+00:00",
         "item":{"transaction_id":"293397556789","amount":"300","currency_code":"BTN","plugin_custom_order_id":"pm_0192f0a18d4f7e3b8c2f4a5b6c7d8e9f"}}
        """;

    private const string TraceId = "4bf92f3577b34da6a3ce929d0e0e4736";

    private static readonly Dictionary<string, (string? Request, Dictionary<string, string> Responses)> Examples = new()
    {
        ["CreateDeposit"] = ("""{"amount":300}""", new()
        {
            ["201"] = Deposit,
            ["400"] = Problem(400, "validation", "One or more validation errors occurred.",
                ""","errors":{"amount":["The amount must be a whole number of BTN from 1 to 1000000."]}"""),
            ["409"] = Problem(409, "idempotency-key-in-progress", "A request with this Idempotency-Key is still in progress", ""","detail":"Retry shortly with the same key." """),
            ["415"] = Problem(415, "unsupported-media-type", "JSON bodies must be UTF-8",
                ""","detail":"Send Content-Type: application/json (optionally with charset=utf-8)." """),
            ["422"] = Problem(422, "idempotency-key-reused", "This Idempotency-Key was used with a different request",
                ""","detail":"Use a new key for a new request; repeat the same body to retry." """),
            ["502"] = Problem(502, "gateway-refused", "The payment gateway refused the deposit", ""","detail":"Label is blocked","gatewayMessage":"Label is blocked" """),
            ["503"] = Problem(503, "gateway-unavailable", "The payment gateway is unavailable", ""","detail":"Try again shortly." """),
            ["504"] = Problem(504, "gateway-timeout", "The payment gateway did not answer in time", ""","detail":"Try again shortly." """),
        }),
        ["CreateWindowDeposit"] = ("""{"amount":300,"lang":"en"}""", new()
        {
            ["201"] = WindowDeposit,
            ["400"] = Problem(400, "validation", "One or more validation errors occurred.",
                ""","errors":{"lang":["Use 2 to 5 ASCII letters or hyphens, a letter first (en, pt-BR)."]}"""),
            ["403"] = Problem(403, "payment-window-disabled", "The payment window is not enabled on this service",
                ""","detail":"Use POST /api/deposits (requisites) instead." """),
            ["409"] = Problem(409, "idempotency-key-in-progress", "A request with this Idempotency-Key is still in progress", ""","detail":"Retry shortly with the same key." """),
            ["415"] = Problem(415, "unsupported-media-type", "JSON bodies must be UTF-8",
                ""","detail":"Send Content-Type: application/json (optionally with charset=utf-8)." """),
            ["422"] = Problem(422, "idempotency-key-reused", "This Idempotency-Key was used with a different request",
                ""","detail":"Use a new key for a new request; repeat the same body to retry." """),
        }),
        ["GetDeposit"] = (null, new() { ["200"] = Deposit }),
        ["ListDeposits"] = (null, new()
        {
            ["200"] = Page(Deposit, 20),
            ["400"] = Problem(400, "validation", "One or more validation errors occurred.", ""","errors":{"pageSize":["From 1 to 100."]}"""),
        }),
        ["GetDepositEvents"] = (null, new()
        {
            // One item of the stream; on the wire: "event: status\nid: 42\ndata: {…}\n\n".
            ["200"] = """
                {"eventType":"status","eventId":"42","data":{"id":"0192f0a1-7c3e-7d2a-9b1e-3f4a5b6c7d8e","status":"confirmed","amount":300,
                 "currency":"BTN","confirmedAmount":300,"amountMismatch":false,"updatedAt":"2026-01-27T01:32:02+00:00"}}
                """,
            ["429"] = Problem(429, "too-many-streams", "Too many open event streams",
                ""","detail":"At most 5 live streams per user; close one (a page you left) and retry." """),
            ["503"] = Problem(503, "streams-at-capacity", "This instance holds all the live streams it may",
                ""","detail":"Retry after 10 s (possibly on another instance), with Last-Event-ID; GET /api/deposits/{id} answers meanwhile." """),
        }),
        ["SubmitProof"] = ("""{"transactionNumber":"293397556789","amount":300}""", new()
        {
            ["202"] = Proof,
            ["400"] = Problem(400, "validation", "One or more validation errors occurred.",
                ""","errors":{"transactionNumber":["The transaction number must be exactly 12 digits (0-9), as shown in the bank app."]}"""),
            ["409"] = Problem(409, "deposit-closed", "This deposit no longer accepts proofs", ""","detail":"It is confirmed or expired. Start a new deposit." """),
            ["415"] = Problem(415, "unsupported-media-type", "The request's content type is not one this call takes",
                ""","detail":"Expected a supported form media type but got \"application/json\"." """),
            ["422"] = Problem(422, "proof-rejected", "The payment gateway refused this proof",
                ""","detail":"Transaction not found","gatewayMessage":"Transaction not found","proof":""" + RejectedProof),
        }),
        ["ReceivePostback"] = (Postback, new()
        {
            ["200"] = """{"status":"ok"}""",
            ["400"] = """{"status":"fail","message":"Not a postback (not_json)."}""",
            ["401"] = """{"status":"fail","message":"Postback not verified (bad_signature)."}""",
            ["413"] = """{"status":"fail","message":"The body is too large for a postback."}""",
            ["503"] = """{"status":"fail","message":"Temporarily unable to store the postback; please resend."}""",
        }),
        ["OpsListDeposits"] = (null, new() { ["200"] = Page(OpsDeposit, 50) }),
        ["OpsGetDeposit"] = (null, new()
        {
            ["200"] = $$"""
                {"deposit":{{OpsDeposit}},"proofs":[{{OpsProof}}],"transactions":[{{OpsTransaction}}],"postbacks":[{{OpsPostbackSummary}}],
                 "actions":[{"id":41,"at":"2026-01-27T03:00:00+00:00","actor":"ops-bob","action":"proof_retry","subjectType":"proof",
                 "subjectId":"0192f0a1-8d4f-7e3b-8c2f-4a5b6c7d8e9f","reason":"Gateway back after the outage","detail":null}]}
                """,
        }),
        ["OpsListProofs"] = (null, new() { ["200"] = Page(OpsProof, 50) }),
        ["OpsRetryProof"] = ("""{"reason":"Gateway back after the outage"}""", new()
        {
            ["400"] = Problem(400, "validation", "One or more validation errors occurred.",
                ""","errors":{"reason":["Required: why, in 1 to 500 characters (kept with your name)."]}"""),
            ["404"] = Problem(404, "not-found", "No failed proof with that id",
                ""","detail":"Only a failed proof can be retried: GET /api/ops/proofs?status=failed lists them." """),
        }),
        ["OpsListPostbacks"] = (null, new() { ["200"] = Page(OpsPostbackSummary, 50) }),
        ["OpsGetPostback"] = (null, new()
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
            ["404"] = Problem(404, "not-found", "Not found", ""","detail":"No postback with that id." """),
        }),
        ["OpsListTransactions"] = (null, new() { ["200"] = Page(OpsTransaction, 50) }),
        ["OpsReverifyPostback"] = ("""{"reason":"Private key corrected in the 14:00 deploy"}""", new()
        {
            ["200"] = """{"postbackId":"0192f0a1-9e5a-7f4c-9d3a-5b6c7d8e9fa0","outcome":"accepted","rejectReason":null}""",
            ["400"] = Problem(400, "validation", "One or more validation errors occurred.",
                ""","errors":{"reason":["When given: 1 to 500 characters, no NUL (kept with your name)."]}"""),
            ["404"] = Problem(404, "not-found", "Not found", ""","detail":"No postback with that id." """),
            ["409"] = Problem(409, "postback-not-rejected", "Only a stored rejected postback (not an oversized one) can be verified again",
                ""","detail":"Its outcome is Applied." """),
            ["422"] = Problem(422, "postback-still-rejected", "The postback still does not verify",
                ""","detail":"Reason: bad_signature.","reason":"bad_signature" """),
        }),
        ["OpsDownloadScreenshot"] = (null, new() { ["404"] = Problem(404, "not-found", "Not found", ""","detail":"No proof with that id." """) }),
        ["DevToken"] = ("""{"label":"alice","ops":false,"lifetimeMinutes":60}""", new()
        {
            ["400"] = Problem(400, "validation", "One or more validation errors occurred.",
                ""","errors":{"lifetimeMinutes":["From 1 to 1440."]}"""),
        }),
    };

    /// <summary>A refused proof as the 422 proof-rejected problem carries it.</summary>
    private const string RejectedProof = """
        {"id":"0192f0a1-8d4f-7e3b-8c2f-4a5b6c7d8e9f","depositId":"0192f0a1-7c3e-7d2a-9b1e-3f4a5b6c7d8e","status":"rejected",
         "transactionNumber":"000000000000","amount":300,"customTransactionId":"pm_0192f0a18d4f7e3b8c2f4a5b6c7d8e9f",
         "gatewayMessage":"Transaction not found","createdAt":"2026-01-27T01:31:00+00:00","forwardedAt":"2026-01-27T01:31:01+00:00"}
        """;

    public static OpenApiOptions AddExamples(this OpenApiOptions options) => options.AddOperationTransformer((operation, context, _) =>
    {
        var examples = operation.OperationId is { } id
            ? Examples.TryGetValue(id, out var listed) ? listed
                : MoneyOutExamples.TryGetValue(id, out var moneyOut) ? moneyOut
                : ReconciliationExamples.TryGetValue(id, out var report) ? report : AttentionExamples.GetValueOrDefault(id)
            : default;
        if (examples.Request is { } request)
        {
            // The postback body is read raw (no binding), so its document entry is written here: a JSON
            // object in the gateway's own shape, verified byte for byte as it arrived (docs/gateway-protocol.md).
            operation.RequestBody ??= new OpenApiRequestBody
            {
                Required = true,
                Description = "The gateway's signed postback (its own member names), read as raw bytes",
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/json"] = new()
                    {
                        Schema = new OpenApiSchema
                        {
                            Type = JsonSchemaType.Object,
                            AdditionalProperties = new OpenApiSchemaReference(OpenApiTypes.JsonValueSchema, context.Document),
                        },
                    },
                },
            };
            foreach (var (mediaType, media) in operation.RequestBody.Content ?? new Dictionary<string, OpenApiMediaType>())
            {
                if (mediaType.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase))
                {
                    // A form's example would need its file too; its text fields get one each instead,
                    // which Swagger UI fills in (the file has none: the user picks one).
                    ExampleEachField(media, JsonNode.Parse(request)!.AsObject(), context.Document);
                    continue;
                }
                media.Example = JsonNode.Parse(request);
            }
        }
        foreach (var (status, response) in operation.Responses ?? [])
        {
            var own = examples.Responses?.GetValueOrDefault(status);
            foreach (var (mediaType, media) in response.Content ?? new Dictionary<string, OpenApiMediaType>())
            {
                // Common problems fit problem answers only (the postback answers in the gateway's shape).
                var example = own ?? (mediaType == "application/problem+json" ? CommonProblem(status, context) : null);
                if (example is not null)
                {
                    media.Example = JsonNode.Parse(example);
                }
            }
        }
        return Task.CompletedTask;
    });

    private static void ExampleEachField(OpenApiMediaType media, JsonObject fields, OpenApiDocument? document)
    {
        var form = media.Schema is OpenApiSchemaReference { Reference.Id: { } id } && document?.Components?.Schemas?.TryGetValue(id, out var declared) == true
            ? declared : media.Schema;
        foreach (var (name, value) in fields)
        {
            if (form?.Properties is { } properties && properties.TryGetValue(name, out var declaredField) && declaredField is OpenApiSchema field
                && value is not null)
            {
                field.Examples = [value.DeepClone()];
            }
        }
    }
}
