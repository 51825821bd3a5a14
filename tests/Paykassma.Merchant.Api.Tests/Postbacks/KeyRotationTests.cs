using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Paykassma.Merchant.Api.Tests.Infrastructure;

namespace Paykassma.Merchant.Api.Tests.Postbacks;

public sealed class KeyRotationTests
{
    [Fact]
    public async Task During_a_rotation_both_keys_verify_ops_see_which_one_did_and_any_other_key_is_refused()
    {
        const string newKey = "pk_live_rotated_2027";
        await using var api = new MerchantApiFactory();
        await api.InitializeAsync();
        api.With("Paykassma:PostbackPrivateKey", newKey)
            .With("Paykassma:PostbackPreviousPrivateKey", MerchantApiFactory.PostbackPrivateKey);
        using var gateway = api.CreateClient();
        var signedOld = TestPostbacks.NewTransactionId();
        var signedNew = TestPostbacks.NewTransactionId();
        var signedOther = TestPostbacks.NewTransactionId();

        var old = await gateway.PostAsync(TestPostbacks.Body([TestPostbacks.Item(signedOld, "rot-" + signedOld)]));
        var current = await gateway.PostAsync(TestPostbacks.Body([TestPostbacks.Item(signedNew, "rot-" + signedNew)], privateKey: newKey));
        var other = await gateway.PostAsync(TestPostbacks.Body([TestPostbacks.Item(signedOther, "rot-" + signedOther)], privateKey: "pk_someone_else"));

        Assert.Equal(HttpStatusCode.OK, old.StatusCode);
        Assert.Equal(HttpStatusCode.OK, current.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, other.StatusCode);
        using var ops = api.ClientFor("ops", ops: true);
        async Task<string?> VerifiedWith(string transactionId) =>
            (await ops.GetFromJsonAsync<JsonElement>($"/api/ops/postbacks?transactionId={transactionId}"))
            .GetProperty("items")[0].GetProperty("verifiedWith").GetString();
        Assert.Equal("previous", await VerifiedWith(signedOld));
        Assert.Equal("current", await VerifiedWith(signedNew));
        Assert.Null(await VerifiedWith(signedOther));
    }
}
