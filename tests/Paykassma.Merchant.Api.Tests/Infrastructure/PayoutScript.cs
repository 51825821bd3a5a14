using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Paykassma.Merchant.Api.Tests.Infrastructure;

/// <summary>Payouts in tests: the back office's calls, and the fake gateway's withdrawal answers scripted per label.</summary>
public static class PayoutScript
{
    public const string WithdrawalPath = "/v2/withdrawal/create";
    public const string BackOffice = "ledger-service";
    public const string Ok = """{"status":"ok"}""";

    public static HttpClient BackOfficeClient(this MerchantApiFactory api, string subject = BackOffice) =>
        api.ClientWithRoles(subject, "payouts");

    public static HttpClient OpsClient(this MerchantApiFactory api, string subject) => api.ClientWithRoles(subject, "ops");

    /// <summary>
    /// A payout body; its account number is the label's own (<see cref="AccountFor"/>) unless one is given:
    /// the approval threshold and the account limit count per account and day, so tests sharing one would
    /// see each other's payouts.
    /// </summary>
    public static JsonObject Body(string label, int amount = 1020, string? accountNumber = null, string accountName = "Dorji Wangmo") => new()
    {
        ["label"] = label,
        ["amount"] = amount,
        ["accountNumber"] = accountNumber ?? AccountFor(label),
        ["accountName"] = accountName,
    };

    /// <summary>Ten digits of the label's own, so each test's payouts go to an account no other test uses.</summary>
    public static string AccountFor(string label) =>
        (BitConverter.ToUInt64(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(label))) % 9_000_000_000 + 1_000_000_000)
        .ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A fresh account number no other test uses.</summary>
    public static string NewAccount() => AccountFor(Guid.NewGuid().ToString());

    public static async Task<HttpResponseMessage> CreateAsync(this HttpClient client, JsonObject body, string? key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/payouts") { Content = JsonContent.Create(body) };
        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }
        return await client.SendAsync(request);
    }

    /// <summary>The answer's JSON; may be read again.</summary>
    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.Clone();
    }

    /// <summary>
    /// The gateway's answer to this label's withdrawals; a later call for the same label replaces it
    /// (one mapping per label, by a fixed id), so a test can take the gateway down and bring it back.
    /// </summary>
    public static void AnswersWithdrawal(this WireMockServer gateway, string label, string body, int status = 200, TimeSpan? delay = null)
    {
        var response = Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody(body);
        if (delay is { } d)
        {
            response = response.WithDelay(d);
        }
        gateway.Given(WithdrawalCallFor(label)).WithGuid(MappingId(label)).RespondWith(response);
    }

    public static IReadOnlyList<JsonElement> WithdrawalRequestsFor(this WireMockServer gateway, string label) =>
        gateway.LogEntries
            .Where(e => e.RequestMessage?.Path == WithdrawalPath && Names(e.RequestMessage.Body, label))
            .Select(e => JsonDocument.Parse(e.RequestMessage!.Body!).RootElement.Clone())
            .ToList();

    public static string NewLabel() => GatewayScript.NewLabel("payee");

    private static IRequestBuilder WithdrawalCallFor(string label) => Request.Create()
        .WithPath(WithdrawalPath).UsingPost()
        .WithBody((string? body) => Names(body, label));

    private static bool Names(string? body, string label) =>
        body is not null && body.Contains($"\"label\":\"{label}\"", StringComparison.Ordinal);

    private static Guid MappingId(string label) =>
        new(System.Security.Cryptography.MD5.HashData(System.Text.Encoding.UTF8.GetBytes("withdrawal:" + label)));
}

/// <summary>Payout tests: a fast dispatcher, an approval threshold of 50 000, daily limits of 100 000 per label and 250 000 per account.</summary>
public sealed class PayoutApiFactory : MerchantApiFactory
{
    public const int ApprovalThreshold = 50_000;
    public const int DailyLimitPerLabel = 100_000;
    public const int DailyLimitPerAccount = 250_000;

    public PayoutApiFactory()
    {
        With("Payouts:ApprovalThreshold", ApprovalThreshold.ToString(System.Globalization.CultureInfo.InvariantCulture));
        With("Payouts:MaxAmount", "200000");
        With("Payouts:DailyLimitPerLabel", DailyLimitPerLabel.ToString(System.Globalization.CultureInfo.InvariantCulture));
        With("Payouts:DailyLimitPerAccount", DailyLimitPerAccount.ToString(System.Globalization.CultureInfo.InvariantCulture));
        With("Payouts:Dispatcher:PollInterval", "00:00:00.100");
        With("Payouts:Dispatcher:BaseDelay", "00:00:00.200");
        With("Payouts:Dispatcher:MaxDelay", "00:00:00.500");
        With("Payouts:Dispatcher:Lease", "00:00:20");
        With("Payouts:Dispatcher:MaxAttempts", "3");
    }
}

[CollectionDefinition(Name)]
public sealed class PayoutCollection : ICollectionFixture<PayoutApiFactory>
{
    public const string Name = "payouts";
}
