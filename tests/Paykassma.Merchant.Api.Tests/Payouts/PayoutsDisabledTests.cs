using System.Net;
using Paykassma.Merchant.Api.Tests.Infrastructure;

namespace Paykassma.Merchant.Api.Tests.Payouts;

/// <summary>Payouts off (the default): nothing is stored or sent, and the answer says why.</summary>
public sealed class PayoutsDisabledTests : IClassFixture<PayoutsDisabledTests.DisabledFactory>
{
    private readonly DisabledFactory _api;

    public PayoutsDisabledTests(DisabledFactory api) => _api = api;

    public sealed class DisabledFactory : MerchantApiFactory
    {
        public DisabledFactory()
        {
            With("Payouts:Enabled", "false");
            With("Paykassma:WithdrawalPrivateKey", "");
        }
    }

    [Fact]
    public async Task Creating_approving_or_retrying_a_payout_is_refused_and_writes_nothing()
    {
        var label = PayoutScript.NewLabel();
        _api.Gateway.AnswersWithdrawal(label, PayoutScript.Ok);

        var created = await _api.BackOfficeClient().CreateAsync(PayoutScript.Body(label), "off-" + label);
        var approved = await _api.OpsClient("ops-off").PostAsync($"/api/ops/payouts/{Guid.NewGuid()}/approve", null);
        var retried = await _api.OpsClient("ops-off").PostAsync($"/api/ops/payouts/{Guid.NewGuid()}/retry", null);

        Assert.Equal(HttpStatusCode.Forbidden, created.StatusCode);
        Assert.EndsWith("/payouts-disabled", (await created.JsonAsync()).GetProperty("type").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, approved.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, retried.StatusCode);
        Assert.Equal(0, await _api.ScalarAsync<int>("SELECT count(*) FROM payouts"));
        Assert.Empty(_api.Gateway.WithdrawalRequestsFor(label));
    }
}
