using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Paykassma.Merchant.Api.Hosting;

/// <summary>
/// Examples in the OpenAPI document, so Swagger UI shows what a call and its answers look like
/// (and "Try it out" starts from a sensible body). Keyed by operation id and status code.
/// </summary>
internal static class OpenApiExamples
{
    private const string Deposit = """
        {"id":"0192f0a1-7c3e-7d2a-9b1e-3f4a5b6c7d8e","status":"awaiting_payment","amount":300,"currency":"BTN","walletType":"bnb_ml",
         "requisites":{"walletNumber":"200100300400","accountName":"Druk Merchant Pvt","isCheckAmount":null,"otherParams":{"Bank name":"Bank of Bhutan"}},
         "confirmedAmount":null,"amountMismatch":false,"createdAt":"2026-01-27T01:30:00+00:00","updatedAt":"2026-01-27T01:30:00+00:00",
         "confirmedAt":null,"expiredAt":null,"confirmedAfterExpiry":false,"proofs":[]}
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

    private static readonly Dictionary<string, (string? Request, Dictionary<string, string> Responses)> Examples = new()
    {
        ["CreateDeposit"] = ("""{"amount":300}""", new()
        {
            ["201"] = Deposit,
            ["400"] = Problem(400, "validation", "One or more validation errors occurred.", ""","errors":{"amount":["The amount must be at most 1000000."]}"""),
            ["502"] = Problem(502, "gateway-refused", "The payment gateway refused the deposit", ""","detail":"Label is blocked","gatewayMessage":"Label is blocked" """),
            ["503"] = Problem(503, "gateway-unavailable", "The payment gateway is unavailable", ""","detail":"Try again shortly." """),
        }),
        ["GetDeposit"] = (null, new() { ["200"] = Deposit, ["404"] = Problem(404, "not-found", "Not found", ""","detail":"No deposit with that id." """) }),
        ["SubmitProof"] = (null, new()
        {
            ["202"] = Proof,
            ["400"] = Problem(400, "validation", "One or more validation errors occurred.",
                ""","errors":{"transactionNumber":["The transaction number must be exactly 12 digits (0-9), as shown in the bank app."]}"""),
            ["422"] = Problem(422, "proof-rejected", "The payment gateway refused this proof", ""","detail":"Transaction not found","gatewayMessage":"Transaction not found" """),
        }),
        ["ReceivePostback"] = (Postback, new()
        {
            ["200"] = """{"status":"ok"}""",
            ["400"] = """{"status":"fail","message":"Not a postback (not_json)."}""",
            ["401"] = """{"status":"fail","message":"Postback not verified (bad_signature)."}""",
            ["413"] = """{"status":"fail","message":"The body is too large for a postback."}""",
            ["503"] = """{"status":"fail","message":"Temporarily unable to store the postback; please resend."}""",
        }),
    };

    public static OpenApiOptions AddExamples(this OpenApiOptions options) => options.AddOperationTransformer((operation, context, _) =>
    {
        if (operation.OperationId is not { } id || !Examples.TryGetValue(id, out var examples))
        {
            return Task.CompletedTask;
        }
        if (examples.Request is { } request)
        {
            // The postback body is read raw (no binding), so its document entry is written here.
            operation.RequestBody ??= new OpenApiRequestBody
            {
                Required = true,
                Description = "JSON body",
                Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() },
            };
            if (operation.RequestBody.Content?.TryGetValue("application/json", out var media) == true)
            {
                media.Example = JsonNode.Parse(request);
            }
        }
        foreach (var (status, example) in examples.Responses)
        {
            if (operation.Responses?.TryGetValue(status, out var response) == true && response.Content is { Count: > 0 } content)
            {
                foreach (var media in content.Values)
                {
                    media.Example = JsonNode.Parse(example);
                }
            }
        }
        return Task.CompletedTask;
    });

    private static string Problem(int status, string type, string title, string extra) =>
        $$"""{"type":"https://paykassma-merchant.local/problems/{{type}}","title":"{{title}}","status":{{status}}{{extra.TrimEnd()}},"traceId":"4bf92f3577b34da6a3ce929d0e0e4736"}""";
}
