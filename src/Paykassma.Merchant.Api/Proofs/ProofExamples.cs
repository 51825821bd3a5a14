using Paykassma.Merchant.Api.Hosting;
using static Paykassma.Merchant.Api.Hosting.OpenApiExample;

namespace Paykassma.Merchant.Api.Proofs;

/// <summary>The examples of the proof operations, the frontend's and ops'.</summary>
internal static class ProofExamples
{
    internal const string Proof = """
        {"id":"0192f0a1-8d4f-7e3b-8c2f-4a5b6c7d8e9f","depositId":"0192f0a1-7c3e-7d2a-9b1e-3f4a5b6c7d8e","status":"forwarded",
         "transactionNumber":"293397556789","amount":300,"customTransactionId":"pm_0192f0a18d4f7e3b8c2f4a5b6c7d8e9f",
         "gatewayMessage":"","createdAt":"2026-01-27T01:31:00+00:00","forwardedAt":"2026-01-27T01:31:01+00:00"}
        """;

    /// <summary>A refused proof as the 422 proof-rejected problem carries it.</summary>
    internal const string RejectedProof = """
        {"id":"0192f0a1-8d4f-7e3b-8c2f-4a5b6c7d8e9f","depositId":"0192f0a1-7c3e-7d2a-9b1e-3f4a5b6c7d8e","status":"rejected",
         "transactionNumber":"000000000000","amount":300,"customTransactionId":"pm_0192f0a18d4f7e3b8c2f4a5b6c7d8e9f",
         "gatewayMessage":"Transaction not found","createdAt":"2026-01-27T01:31:00+00:00","forwardedAt":"2026-01-27T01:31:01+00:00"}
        """;

    internal const string OpsProof = """
        {"id":"0192f0a1-8d4f-7e3b-8c2f-4a5b6c7d8e9f","depositId":"0192f0a1-7c3e-7d2a-9b1e-3f4a5b6c7d8e","label":"labeluser","status":"forwarded",
         "transactionNumber":"293397556789","amount":300,"customTransactionId":"pm_0192f0a18d4f7e3b8c2f4a5b6c7d8e9f","gatewayMessage":"",
         "attempts":1,"attemptLimit":300,"outcomeUncertain":false,"lastError":null,"nextAttemptAt":null,"screenshotFileName":"receipt.png",
         "screenshotContentType":"image/png","screenshotSize":48213,"screenshotSha256":"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
         "createdAt":"2026-01-27T01:31:00+00:00","updatedAt":"2026-01-27T01:31:01+00:00","forwardedAt":"2026-01-27T01:31:01+00:00"}
        """;

    internal static readonly Dictionary<string, OperationExamples> Operations = new()
    {
        ["SubmitProof"] = new("""{"transactionNumber":"293397556789","amount":300}""", new()
        {
            ["202"] = Proof,
            ["400"] = Problem(Problems.Invalid,
                ""","errors":{"transactionNumber":["The transaction number must be exactly 12 digits (0-9), as shown in the bank app."]}"""),
            ["409"] = Problem(ProofProblems.DepositClosed, ""","detail":"It is confirmed or expired. Start a new deposit." """),
            ["415"] = Problem(Problems.ContentTypeNotTaken,
                ""","detail":"Expected a supported form media type but got \"application/json\"." """),
            ["422"] = Problem(ProofProblems.Rejected,
                ""","detail":"Transaction not found","gatewayMessage":"Transaction not found","proof":""" + RejectedProof),
        }),
        ["OpsListProofs"] = new(null, new() { ["200"] = Page(OpsProof, 50) }),
        ["OpsRetryProof"] = new("""{"reason":"Gateway back after the outage"}""", new()
        {
            ["400"] = Problem(Problems.Invalid,
                ""","errors":{"reason":["Required: why, in 1 to 500 characters (kept with your name)."]}"""),
            ["404"] = Problem(ProofProblems.NoFailedProof,
                ""","detail":"Only a failed proof can be retried: GET /api/ops/proofs?status=failed lists them." """),
        }),
        ["OpsDownloadScreenshot"] = new(null, new() { ["404"] = Problem(Problems.NoSuchId, ""","detail":"No proof with that id." """) }),
    };
}
