using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Paykassma.Merchant.Api.Tests.Infrastructure;

namespace Paykassma.Merchant.Api.Tests.Deposits;

/// <summary>The user's deposit list does what its document says: the status filter filters (it was silently ignored).</summary>
[Collection(ApiCollection.Name)]
public sealed class DepositListTests(MerchantApiFactory api)
{
    [Fact]
    public async Task The_status_filter_lists_only_the_users_deposits_in_that_status()
    {
        var label = GatewayScript.NewLabel("list");
        var (confirmed, customId) = await api.ForwardedProofAsync(label);
        Assert.Equal(HttpStatusCode.OK,
            (await api.CreateClient().PostAsync(TestPostbacks.For(customId, TestPostbacks.NewTransactionId(), "300", label))).StatusCode);
        var waiting = await api.CreateDepositAsync(label);
        using var user = api.ClientFor(label);

        var all = await user.GetFromJsonAsync<JsonElement>("/api/deposits");
        var onlyConfirmed = await user.GetFromJsonAsync<JsonElement>("/api/deposits?status=confirmed");
        var onlyWaiting = await user.GetFromJsonAsync<JsonElement>("/api/deposits?status=awaiting_payment");
        var none = await user.GetFromJsonAsync<JsonElement>("/api/deposits?status=expired");

        Assert.Equal(2, all.GetProperty("total").GetInt32());
        Assert.Equal(confirmed, Assert.Single(onlyConfirmed.GetProperty("items").EnumerateArray()).GetProperty("id").GetGuid());
        Assert.Equal(1, onlyConfirmed.GetProperty("total").GetInt32());
        Assert.Equal(waiting, Assert.Single(onlyWaiting.GetProperty("items").EnumerateArray()).GetProperty("id").GetGuid());
        Assert.Equal(0, none.GetProperty("total").GetInt32());
    }
}
