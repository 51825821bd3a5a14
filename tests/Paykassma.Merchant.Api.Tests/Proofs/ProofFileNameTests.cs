using System.Net;
using Paykassma.Merchant.Api.Tests.Infrastructure;

namespace Paykassma.Merchant.Api.Tests.Proofs;

/// <summary>The screenshot's file name is the client's text, kept to 200 characters: cut on whole characters.</summary>
[Collection(ProofCollection.Name)]
public sealed class ProofFileNameTests(FastDispatcherFactory api)
{
    [Theory]
    [InlineData(198)]
    [InlineData(199)]
    [InlineData(200)]
    public async Task A_file_name_cut_at_its_length_never_splits_a_character(int prefix)
    {
        var label = GatewayScript.NewLabel("filename");
        var depositId = await api.CreateDepositAsync(label);
        api.Gateway.AnswersProof(label);
        using var client = api.ClientFor(label);
        var name = new string('a', prefix) + "😀.png";

        var response = await client.UploadAsync(depositId, ProofScript.Form(TestPostbacks.NewTransactionId(), fileName: name));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var stored = await api.ScalarAsync<string>("SELECT screenshot_file_name FROM proofs WHERE deposit_id = @id", ("id", depositId));
        Assert.NotNull(stored);
        Assert.EndsWith(".png", stored);
        Assert.True(stored.Length <= 204);
        // A lone surrogate (half an emoji) cannot be encoded: this throws if the cut split one.
        _ = new System.Text.UTF8Encoding(false, throwOnInvalidBytes: true).GetByteCount(stored);
    }
}
