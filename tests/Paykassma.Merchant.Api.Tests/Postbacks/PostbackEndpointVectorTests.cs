using System.Net;
using System.Text;
using System.Text.Json;
using Paykassma.Merchant.Api.Tests.Infrastructure;

namespace Paykassma.Merchant.Api.Tests.Postbacks;

/// <summary>
/// The gateway's own PHP-signed postbacks through the HTTP endpoint: the valid ones answered ok,
/// the forged ones 401, in every wire encoding, current and legacy format.
/// </summary>
public sealed class PostbackEndpointVectorTests(MerchantApiFactory api) : IClassFixture<MerchantApiFactory>
{
    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var file in new[] { "postback-vectors.json", "php-postbacks.json" })
        {
            using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", file)));
            foreach (var entry in document.RootElement.GetProperty("cases").EnumerateArray())
            {
                data.Add(file, entry.GetProperty("name").GetString()!);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Each_vector_is_answered_as_its_validity_says(string file, string name)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", file)));
        var vector = document.RootElement.GetProperty("cases").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);
        // The merchant's configured keys: those all valid cases were signed with.
        Assert.Equal(MerchantApiFactory.PostbackPrivateKey, vector.GetProperty("private_key").GetString());
        using var gateway = api.CreateClient();

        var response = await gateway.PostAsync(Encoding.UTF8.GetBytes(vector.GetProperty("body").GetString()!));

        var valid = vector.GetProperty("valid").GetBoolean();
        Assert.Equal(valid ? HttpStatusCode.OK : HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(valid ? "ok" : "fail", await TestPostbacks.StatusOf(response));
    }
}
