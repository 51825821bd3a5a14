using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Paykassma.Merchant.Api.Tests.Infrastructure;

/// <summary>
/// Scripts the fake gateway per user label, so tests sharing one service and one WireMock server
/// never see each other's answers.
/// </summary>
public static class GatewayScript
{
    public const string CreatePath = "/api/v1/transaction/create/bnb_ml";

    public static string RequisitesBody(string walletNumber = "200100300400", string accountName = "Druk Merchant Pvt") =>
        $$$"""{"status":"ok","params":{"Wallet number":"{{{walletNumber}}}","Account name":"{{{accountName}}}","is_check_amount":null,"Bank":"Bank of Bhutan"}}""";

    public static IRequestBuilder CreateCallFor(string label) => Request.Create()
        .WithPath(CreatePath).UsingPost()
        .WithBody((string? body) => body is not null && body.Contains($"\"label\":\"{label}\"", StringComparison.Ordinal));

    public static void AnswersCreate(this WireMockServer gateway, string label, string body, int status = 200, TimeSpan? delay = null)
    {
        var response = Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody(body);
        if (delay is { } d)
        {
            response = response.WithDelay(d);
        }
        gateway.Given(CreateCallFor(label)).RespondWith(response);
    }

    public static int CreateCallsFor(this WireMockServer gateway, string label) =>
        gateway.LogEntries.Count(e => e.RequestMessage?.Path == CreatePath
                                      && e.RequestMessage.Body?.Contains($"\"label\":\"{label}\"", StringComparison.Ordinal) == true);

    /// <summary>
    /// Whether a deposit request with this Idempotency-Key has claimed it (committed): a test racing a
    /// second request against a first one waits for this, not for a fixed pause a loaded machine outlasts.
    /// </summary>
    public static async Task<bool> DepositKeyClaimedAsync(this MerchantApiFactory api, string label, string key) =>
        await api.ScalarAsync<long>("SELECT count(*) FROM deposit_idempotency_keys WHERE label = @label AND key = @key",
            ("label", label), ("key", key)) == 1;

    public static string NewLabel(string prefix = "user") => $"{prefix}-{Guid.NewGuid():N}"[..30];
}
