using System.Net;
using Microsoft.Extensions.Logging;
using Paykassma.Merchant.Api.Tests.Infrastructure;

namespace Paykassma.Merchant.Api.Tests.Postbacks;

/// <summary>
/// The busiest route logs one line per request: a stored postback's line is the receiver's (what came of
/// it, and the time it took), not a request line beside it; what is refused keeps its request line.
/// </summary>
[Collection(ProofCollection.Name)]
public sealed class PostbackLogLineTests(FastDispatcherFactory api)
{
    private const string RequestLog = "Serilog.AspNetCore.RequestLoggingMiddleware";

    private List<string> PostbackRequestLines() =>
        [.. api.Logs.GetSnapshot()
            .Where(r => r.Category == RequestLog && r.Level >= LogLevel.Information
                        && r.Message.Contains("/api/paykassma/postback", StringComparison.Ordinal))
            .Select(r => r.Message)];

    [Fact]
    public async Task A_stored_postback_is_logged_once_by_the_receiver_with_its_outcome_and_time()
    {
        var transactionId = TestPostbacks.NewTransactionId();
        using var gateway = api.CreateClient();
        var before = PostbackRequestLines().Count;

        var response = await gateway.PostAsync(TestPostbacks.For("pm_unknown_" + transactionId, transactionId));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var postbackId = await api.ScalarAsync<Guid>("SELECT id FROM postbacks WHERE @t = ANY(transaction_ids)", ("t", transactionId));
        var stored = Assert.Single(api.Logs.GetSnapshot(), r => r.Id.Id == 6001 && r.Message.Contains(postbackId.ToString(), StringComparison.Ordinal));
        Assert.Equal(LogLevel.Information, stored.Level);
        Assert.Matches(@" Accepted in \d+(\.\d+)? ms: 1 signed item\(s\), 1 new, 0 deposit\(s\) confirmed", stored.Message);
        Assert.Equal(before, PostbackRequestLines().Count);
    }

    [Fact]
    public async Task A_repeated_postback_is_logged_once_by_the_receiver_too()
    {
        var transactionId = TestPostbacks.NewTransactionId();
        var body = TestPostbacks.For("pm_unknown_" + transactionId, transactionId);
        using var gateway = api.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await gateway.PostAsync(body)).StatusCode);
        var before = PostbackRequestLines().Count;

        Assert.Equal(HttpStatusCode.OK, (await gateway.PostAsync(body)).StatusCode);

        var original = await api.ScalarAsync<Guid>("SELECT id FROM postbacks WHERE @t = ANY(transaction_ids)", ("t", transactionId));
        var repeat = Assert.Single(api.Logs.GetSnapshot(), r => r.Id.Id == 6006 && r.Message.Contains(original.ToString(), StringComparison.Ordinal));
        Assert.Matches(@"\(answered in \d+(\.\d+)? ms\)", repeat.Message);
        Assert.Equal(before, PostbackRequestLines().Count);
    }

    [Fact]
    public async Task A_refused_postback_keeps_its_request_line()
    {
        var forged = TestPostbacks.WithTopLevel(
            TestPostbacks.For("pm_unknown", TestPostbacks.NewTransactionId()), "signature", new string('c', 40));
        using var gateway = api.CreateClient();
        var before = PostbackRequestLines().Count;

        var response = await gateway.PostAsync(forged);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var added = PostbackRequestLines().Skip(before).ToList();
        Assert.Contains(added, line => line.Contains("POST", StringComparison.Ordinal) && line.Contains("401", StringComparison.Ordinal));
    }
}
