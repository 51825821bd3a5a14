using Paykassma.Merchant.Api.Hosting;
using Paykassma.Merchant.Api.Proofs;
using Paykassma.Merchant.Api.Postbacks;
using static Paykassma.Merchant.Api.Hosting.OpenApiExample;

namespace Paykassma.Merchant.Api.Deposits;

/// <summary>The examples of the deposit operations, the frontend's and ops'.</summary>
internal static class DepositExamples
{
    internal const string Deposit = """
        {"id":"0192f0a1-7c3e-7d2a-9b1e-3f4a5b6c7d8e","status":"awaiting_payment","amount":300,"currency":"BTN","walletType":"bnb_ml",
         "requisites":{"walletNumber":"200100300400","accountName":"Druk Merchant Pvt","isCheckAmount":null,"otherParams":{"Bank name":"Bank of Bhutan"}},
         "confirmedAmount":null,"amountMismatch":false,"amountDiffers":false,"createdAt":"2026-01-27T01:30:00+00:00","updatedAt":"2026-01-27T01:30:00+00:00",
         "confirmedAt":null,"expiredAt":null,"confirmedAfterExpiry":false,"proofs":[]}
        """;

    internal const string WindowDeposit = """
        {"deposit":{"id":"0192f0a1-7c3e-7d2a-9b1e-3f4a5b6c7d8e","status":"awaiting_payment","amount":300,"currency":"BTN","walletType":"bnb_ml",
         "requisites":{"walletNumber":null,"accountName":null,"isCheckAmount":null,"otherParams":{}},
         "confirmedAmount":null,"amountMismatch":false,"amountDiffers":false,"createdAt":"2026-01-27T01:30:00+00:00","updatedAt":"2026-01-27T01:30:00+00:00",
         "confirmedAt":null,"expiredAt":null,"confirmedAfterExpiry":false,"proofs":[]},
         "windowUrl":"https://plugin.example-gateway.com/?label=labeluser&currency_code=BTN&lang=en&wallet_type=bnb_ml&custom_transaction_id=pw_0192f0a17c3e7d2a9b1e3f4a5b6c7d8e&fixed_amount=300.00&payment_url_success_id=4&payment_url_fail_id=3"}
        """;

    internal const string OpsDeposit = """
        {"id":"0192f0a1-7c3e-7d2a-9b1e-3f4a5b6c7d8e","label":"labeluser","status":"confirmed","amount":300,"confirmedAmount":300,
         "amountMismatch":false,"amountDiffers":false,"confirmedAfterExpiry":false,"currency":"BTN","walletNumber":"200100300400",
         "createdAt":"2026-01-27T01:30:00+00:00","updatedAt":"2026-01-27T01:32:02+00:00","confirmedAt":"2026-01-27T01:32:02+00:00","expiredAt":null}
        """;

    internal static readonly Dictionary<string, OperationExamples> Operations = new()
    {
        ["CreateDeposit"] = new("""{"amount":300}""", new()
        {
            ["201"] = Deposit,
            ["400"] = Problem(Problems.Invalid,
                ""","errors":{"amount":["The amount must be a whole number of BTN from 1 to 1000000."]}"""),
            ["409"] = Problem(DepositProblems.KeyInProgress, ""","detail":"Retry shortly with the same key." """),
            ["415"] = Problem(Problems.JsonNotUtf8,
                ""","detail":"Send Content-Type: application/json (optionally with charset=utf-8)." """),
            ["422"] = Problem(DepositProblems.KeyReused,
                ""","detail":"Use a new key for a new request; repeat the same body to retry." """),
            ["502"] = Problem(DepositProblems.GatewayRefused, ""","detail":"Label is blocked","gatewayMessage":"Label is blocked" """),
            ["503"] = Problem(DepositProblems.GatewayUnavailable, ""","detail":"Try again shortly." """),
            ["504"] = Problem(DepositProblems.GatewayTimeout, ""","detail":"Try again shortly." """),
        }),
        ["CreateWindowDeposit"] = new("""{"amount":300,"lang":"en"}""", new()
        {
            ["201"] = WindowDeposit,
            ["400"] = Problem(Problems.Invalid,
                ""","errors":{"lang":["Use 2 to 5 ASCII letters or hyphens, a letter first (en, pt-BR)."]}"""),
            ["403"] = Problem(DepositProblems.PaymentWindowDisabled,
                ""","detail":"Use POST /api/deposits (requisites) instead." """),
            ["409"] = Problem(DepositProblems.KeyInProgress, ""","detail":"Retry shortly with the same key." """),
            ["415"] = Problem(Problems.JsonNotUtf8,
                ""","detail":"Send Content-Type: application/json (optionally with charset=utf-8)." """),
            ["422"] = Problem(DepositProblems.KeyReused,
                ""","detail":"Use a new key for a new request; repeat the same body to retry." """),
        }),
        ["GetDeposit"] = new(null, new() { ["200"] = Deposit }),
        ["ListDeposits"] = new(null, new()
        {
            ["200"] = Page(Deposit, 20),
            ["400"] = Problem(Problems.Invalid, ""","errors":{"pageSize":["From 1 to 100."]}"""),
        }),
        ["OpsListDeposits"] = new(null, new() { ["200"] = Page(OpsDeposit, 50) }),
        ["OpsGetDeposit"] = new(null, new()
        {
            ["200"] = $$"""
                {"deposit":{{OpsDeposit}},"proofs":[{{ProofExamples.OpsProof}}],"transactions":[{{PostbackExamples.OpsTransaction}}],"postbacks":[{{PostbackExamples.OpsPostbackSummary}}],
                 "actions":[{"id":41,"at":"2026-01-27T03:00:00+00:00","actor":"ops-bob","action":"proof_retry","subjectType":"proof",
                 "subjectId":"0192f0a1-8d4f-7e3b-8c2f-4a5b6c7d8e9f","reason":"Gateway back after the outage","detail":null}]}
                """,
        }),
    };
}
