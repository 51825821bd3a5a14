using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Paykassma.Merchant.Api.Postbacks;
using Paykassma.Merchant.Api.Tests.Infrastructure;

namespace Paykassma.Merchant.Api.Tests.Postbacks;

/// <summary>What retention may take away: no signed status of a withdrawal loses its only copy.</summary>
[Collection(PayoutCollection.Name)]
public sealed class SignedFactRetentionTests(PayoutApiFactory api)
{
    [Fact]
    public async Task Retention_keeps_every_signed_status_of_a_withdrawal()
    {
        var label = PayoutScript.NewLabel();
        api.Gateway.AnswersWithdrawal(label, PayoutScript.Ok);
        var payout = await (await api.BackOfficeClient().CreateAsync(PayoutScript.Body(label), "kept-" + label)).JsonAsync();
        var withdrawalId = payout.GetProperty("withdrawalId").GetString()!;
        var transactionId = TestPostbacks.NewTransactionId();
        using var gateway = api.CreateClient();
        foreach (var status in new[] { 0, 1, 1 })
        {
            var body = TestPostbacks.Body([TestPostbacks.PayoutItem(transactionId, withdrawalId, status, "1020.00")], direction: "outgoing");
            Assert.Equal(HttpStatusCode.OK, (await gateway.PostAsync(body)).StatusCode);
        }
        await api.ScalarAsync<int>("""
            UPDATE postbacks SET received_at = now() - interval '31 days'
            WHERE id IN (SELECT postback_id FROM gateway_transactions WHERE withdrawal_id = @w) RETURNING 1
            """, ("w", withdrawalId));

        await api.Services.GetRequiredService<PostbackRetention>().DeleteExpiredAsync(CancellationToken.None);

        Assert.Equal("0,1", await api.ScalarAsync<string>(
            "SELECT string_agg(g.withdrawal_status::text, ',' ORDER BY g.withdrawal_status) FROM gateway_transactions g " +
            "JOIN postbacks p ON p.id = g.postback_id WHERE g.withdrawal_id = @w AND p.outcome = 'accepted'", ("w", withdrawalId)));
        Assert.Equal("paid", await api.ScalarAsync<string>("SELECT status FROM payouts WHERE withdrawal_id = @w", ("w", withdrawalId)));
    }
}
