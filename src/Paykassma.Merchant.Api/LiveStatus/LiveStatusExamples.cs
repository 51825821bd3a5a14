using Paykassma.Merchant.Api.Hosting;
using static Paykassma.Merchant.Api.Hosting.OpenApiExample;

namespace Paykassma.Merchant.Api.LiveStatus;

/// <summary>The example of the live status stream.</summary>
internal static class LiveStatusExamples
{
    internal static readonly Dictionary<string, OperationExamples> Operations = new()
    {
        ["GetDepositEvents"] = new(null, new()
        {
            // One item of the stream; on the wire: "event: status\nid: 42\ndata: {…}\n\n".
            ["200"] = """
                {"eventType":"status","eventId":"42","data":{"id":"0192f0a1-7c3e-7d2a-9b1e-3f4a5b6c7d8e","status":"confirmed","amount":300,
                 "currency":"BTN","confirmedAmount":300,"amountMismatch":false,"updatedAt":"2026-01-27T01:32:02+00:00"}}
                """,
            ["429"] = Problem(LiveStatusProblems.TooManyStreams,
                ""","detail":"At most 5 live streams per user; close one (a page you left) and retry." """),
            ["503"] = Problem(LiveStatusProblems.AtCapacity,
                ""","detail":"Retry after 10 s (possibly on another instance), with Last-Event-ID; GET /api/deposits/{id} answers meanwhile." """),
        }),
    };
}
