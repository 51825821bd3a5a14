using System.Collections.Concurrent;
using System.Text.Json;
using StandardWebhooks;
using StandardWebhooks.Diagnostics;

namespace Paykassma.Sandbox.Ledger;

/// <summary>
/// The merchant's ledger, as far as the merchant service can tell: it receives the service's money
/// events at <c>POST /ledger/webhooks</c>, verifies each with the StandardWebhooks package (not the
/// service's own signer: a receiver sharing the sender's code could share its bugs) and the secret
/// <c>Sandbox:LedgerWebhookSecret</c>, and lists what it got at <c>GET /sandbox/ledger/events</c>. It can
/// be told to fail (<c>POST /sandbox/ledger/faults</c>) so that retries can be watched.
/// </summary>
public static class LedgerReceiver
{
    public static WebApplication MapLedger(this WebApplication app)
    {
        app.MapPost("/ledger/webhooks", ReceiveAsync);
        var control = app.MapGroup("/sandbox/ledger");
        control.MapGet("/events", (LedgerBook book) => TypedResults.Ok(book.Events()));
        control.MapDelete("/events", (LedgerBook book) =>
        {
            book.Clear();
            return TypedResults.NoContent();
        });
        control.MapGet("/faults", (LedgerBook book) => TypedResults.Ok(new { mode = book.Fault }));
        control.MapPost("/faults", (LedgerFault fault, LedgerBook book) =>
        {
            if (fault.Mode is not ("none" or "down" or "redirect" or "slow"))
            {
                return Results.Problem(statusCode: 400, title: "mode is one of none, down (503), redirect (302), slow (30 s, then 200)");
            }
            book.Fault = fault.Mode;
            return Results.Ok(new { mode = book.Fault });
        });
        return app;
    }

    public sealed record LedgerFault(string Mode);

    private static async Task<IResult> ReceiveAsync(HttpRequest request, LedgerBook book, IConfiguration configuration, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(request.Body);
        var body = await reader.ReadToEndAsync(cancellationToken);
        switch (book.Fault)
        {
            case "down":
                book.Refused();
                return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
            case "redirect":
                book.Refused();
                return Results.Redirect("/ledger/elsewhere");
            case "slow":
                await Task.Delay(TimeSpan.FromSeconds(30), cancellationToken);
                break;
        }

        var secret = configuration["Sandbox:LedgerWebhookSecret"];
        if (string.IsNullOrEmpty(secret))
        {
            return Results.Problem(statusCode: 500, title: "Sandbox:LedgerWebhookSecret is not set");
        }
        try
        {
            new StandardWebhook(secret).Verify(body, request.Headers);
        }
        catch (WebhookVerificationException)
        {
            book.Refused();
            return Results.Problem(statusCode: 401, title: "webhook signature not verified");
        }

        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        book.Add(new LedgerEvent(
            request.Headers["webhook-id"].ToString(),
            root.GetProperty("type").GetString()!,
            root.GetProperty("timestamp").GetDateTimeOffset(),
            root.GetProperty("data").Clone(),
            DateTimeOffset.UtcNow));
        return Results.Ok();
    }
}

/// <summary>One verified delivery; <see cref="LedgerEvent.Deliveries"/> counts how often the same webhook-id came.</summary>
public sealed record LedgerEvent(string WebhookId, string Type, DateTimeOffset Timestamp, JsonElement Data, DateTimeOffset ReceivedAt)
{
    public int Deliveries { get; init; } = 1;
}

/// <summary>What the ledger received (in memory), by webhook-id, and its fault.</summary>
public sealed class LedgerBook
{
    private readonly ConcurrentDictionary<string, LedgerEvent> _events = new();
    private int _refused;

    public volatile string Fault = "none";

    public int RefusedDeliveries => _refused;

    public void Add(LedgerEvent received) =>
        _events.AddOrUpdate(received.WebhookId, received, (_, earlier) => earlier with { Deliveries = earlier.Deliveries + 1 });

    public void Refused() => Interlocked.Increment(ref _refused);

    public IReadOnlyList<LedgerEvent> Events() => _events.Values.OrderBy(e => e.ReceivedAt).ToList();

    public void Clear() => _events.Clear();
}
