using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using StandardWebhooks;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Paykassma.Merchant.Api.Tests.Infrastructure;

/// <summary>The merchant's ledger as a WireMock endpoint: what it received, each delivery verified with the StandardWebhooks package.</summary>
public static class LedgerScript
{
    public const string Path = "/ledger";

    /// <summary>32 random-looking bytes, as a Standard Webhooks secret.</summary>
    public const string Secret = "whsec_dGVzdC1sZWRnZXItc2VjcmV0LTAxMjM0NTY3ODlhYmNkZWY=";

    public sealed record Delivery(string WebhookId, string Type, JsonElement Data, int Status, DateTime At);

    public static void AnswersLedger(this WireMockServer ledger, int status = 200, TimeSpan? delay = null)
    {
        var response = Response.Create().WithStatusCode(status);
        if (status is >= 300 and < 400)
        {
            response = response.WithHeader("Location", "/elsewhere");
        }
        if (delay is { } d)
        {
            response = response.WithDelay(d);
        }
        ledger.Given(Request.Create().WithPath(Path).UsingPost()).AtPriority(1).RespondWith(response);
    }

    /// <summary>Every delivery the ledger got, oldest first; each one's signature is checked here (it throws if it does not verify).</summary>
    public static IReadOnlyList<Delivery> Deliveries(this WireMockServer ledger) =>
        ledger.LogEntries.Where(e => e.RequestMessage?.Path == Path).OrderBy(e => e.RequestMessage!.DateTime).Select(e =>
        {
            var request = e.RequestMessage!;
            var headers = new HeaderDictionary(request.Headers!.ToDictionary(h => h.Key, h => new StringValues(h.Value.ToArray())));
            new StandardWebhook(Secret).Verify(request.Body!, headers);
            using var body = JsonDocument.Parse(request.Body!);
            return new Delivery(headers["webhook-id"].ToString(), body.RootElement.GetProperty("type").GetString()!,
                body.RootElement.GetProperty("data").Clone(), e.ResponseMessage?.StatusCode is int s ? s : 0, request.DateTime);
        }).ToList();

    /// <summary>The deliveries about one deposit, payout or proof (by its id in data).</summary>
    public static IReadOnlyList<Delivery> DeliveriesAbout(this WireMockServer ledger, Guid subject) =>
        ledger.Deliveries().Where(d => d.Data.EnumerateObject()
            .Any(p => p.Name is "depositId" or "payoutId" or "proofId" && p.Value.ValueKind == JsonValueKind.String && p.Value.GetGuid() == subject))
            .ToList();
}

/// <summary>Event tests: payouts on, the ledger on the factory's WireMock server, a fast event dispatcher.</summary>
public class EventsApiFactory : MerchantApiFactory
{
    public EventsApiFactory()
    {
        With("Events:WebhookUrl", Gateway.Url + LedgerScript.Path);
        With("Events:WebhookSecret", LedgerScript.Secret);
        With("Events:Timeout", "00:00:01");
        With("Events:Dispatcher:PollInterval", "00:00:00.100");
        With("Events:Dispatcher:BaseDelay", "00:00:00.200");
        With("Events:Dispatcher:MaxDelay", "00:00:00.400");
        With("Events:Dispatcher:Lease", "00:00:10");
        With("Events:Dispatcher:MaxAttempts", "3");
        Gateway.AnswersLedger();
    }
}
